-- Named connections: non-secret settings in config; secret fields sealed together (AES-256-GCM).
create table connections (
    name        text        primary key,
    type        text        not null,
    config      jsonb       not null default '{}',
    secret_fields text[]    not null default '{}',
    key_id      text,
    nonce       bytea,
    sealed      bytea,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
