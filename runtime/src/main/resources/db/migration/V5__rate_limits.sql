-- bucket4j's token buckets (one per job's webhook rate limit), shared by every node.
create table rate_limit_buckets (
    id         text   primary key,
    state      bytea,
    expires_at bigint
);
