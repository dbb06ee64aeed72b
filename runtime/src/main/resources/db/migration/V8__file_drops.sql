-- Files taken by SFTP triggers, one row per file version (job/trigger/name-size-modified), shared
-- by all nodes: the node whose insert wins takes the file. Once the file's execution has ended the
-- file is moved or deleted and disposed_at set; until then any node retries, with backoff. A row
-- whose node died before it enqueued the execution is released, so the file is taken again.
create table file_drops (
    key              text primary key,
    node_id          text        not null,
    taken_at         timestamptz not null default now(),
    disposed_at      timestamptz,
    attempts         integer     not null default 0,
    next_attempt_at  timestamptz not null default now(),
    last_error       text
);

create index file_drops_pending on file_drops (next_attempt_at) where disposed_at is null;
create index executions_by_file on executions ((trigger -> 'file' ->> 'key')) where trigger -> 'file' ->> 'key' is not null;

-- Files taken before this table existed (camel-sql's repository) stay taken and are not disposed again.
do $$
begin
    if to_regclass('camel_messageprocessed') is not null then
        insert into file_drops (key, node_id, taken_at, disposed_at)
        select messageid, 'earlier', createdat, createdat from camel_messageprocessed
        where processorname = 'caravan-file-drops'
        on conflict do nothing;
    end if;
end
$$;
