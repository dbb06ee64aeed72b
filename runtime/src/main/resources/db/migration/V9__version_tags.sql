-- Named tags on job versions ("prod", "reviewed"): a tag names one version of its job at a time.
create table job_version_tags (
    job_id      text        not null,
    tag         text        not null,
    version     integer     not null,
    created_at  timestamptz not null default now(),
    primary key (job_id, tag),
    foreign key (job_id, version) references job_versions (job_id, version) on delete cascade
);
