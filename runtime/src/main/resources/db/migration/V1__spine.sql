-- Jobs: metadata and the object paths of their definitions; the documents live in S3.
create table jobs (
    id               text primary key,
    name             text,
    enabled          boolean     not null default true,
    tags             text[]      not null default '{}',
    current_version  integer     not null,
    concurrency_limit integer,
    on_limit         text,
    definition_path  text        not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

create table job_versions (
    job_id      text        not null references jobs (id) on delete cascade,
    version     integer     not null,
    path        text        not null,
    checksum    text        not null,
    author      text,
    message     text,
    created_at  timestamptz not null default now(),
    primary key (job_id, version)
);

-- Executions keep no step output: the context lives in S3 at context_path.
create table executions (
    id            uuid primary key,
    job_id        text        not null,
    job_version   integer,
    status        text        not null check (status in ('QUEUED', 'RUNNING', 'SUCCESS', 'FAILED',
                                                         'PARTIAL_SUCCESS', 'CANCELLED', 'TIMED_OUT')),
    priority      integer     not null default 0,
    trigger       jsonb       not null,
    params        jsonb       not null default '{}',
    total_steps   integer     not null,
    progress      integer     not null default 0,
    current_step  text,
    context_path  text        not null,
    node_id       text,
    error_type    text,
    error_message text,
    cancel_requested boolean not null default false,
    lease_epoch   integer     not null default 0,
    lease_expires_at timestamptz,
    created_at    timestamptz not null default now(),
    started_at    timestamptz,
    completed_at  timestamptz
);

create index executions_queue on executions (priority desc, created_at) where status = 'QUEUED';
create index executions_by_job on executions (job_id, created_at desc);
create index executions_by_status on executions (status, created_at desc);
create index executions_leases on executions (lease_expires_at) where status = 'RUNNING';

-- One row per attempt of a step.
create table step_runs (
    execution_id   uuid        not null references executions (id) on delete cascade,
    step_id        text        not null,
    attempt        integer     not null,
    status         text        not null,
    error_type     text,
    error_message  text,
    started_at     timestamptz not null,
    completed_at   timestamptz,
    primary key (execution_id, step_id, attempt)
);

-- API tokens, stored as SHA-256 hashes only.
create table api_tokens (
    id          text primary key,
    name        text        not null,
    token_hash  bytea       not null unique,
    role        text        not null default 'admin',
    created_at  timestamptz not null default now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

-- The nodes of the cluster, each beating every few seconds while it runs.
create table nodes (
    id              text primary key,
    version         text        not null,
    started_at      timestamptz not null,
    last_heartbeat  timestamptz not null,
    stopped_at      timestamptz
);
