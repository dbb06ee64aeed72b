-- A webhook delivery id seen in the last 24 h answers with its first execution instead of starting another.
create table webhook_deliveries (
    job_id       text        not null,
    delivery_id  text        not null,
    execution_id uuid        not null,
    received_at  timestamptz not null default now(),
    primary key (job_id, delivery_id)
);
create index webhook_deliveries_age on webhook_deliveries (received_at);
