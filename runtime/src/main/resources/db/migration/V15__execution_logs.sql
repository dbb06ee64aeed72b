-- An execution's log (issue 9): the lines its steps log and what went wrong or out of the ordinary
-- (retries, failures, continuations), masked of secrets, at most a few thousand a run. No foreign key: the
-- lines are written in batches apart from the execution's own statements, and housekeeping
-- removes them with their execution.
create table execution_logs (
    id            bigserial   primary key,
    execution_id  uuid        not null,
    at            timestamptz not null,
    level         text        not null,
    step_id       text,
    message       text        not null
);
create index execution_logs_by_execution on execution_logs (execution_id, id);

-- Live status events (GET /api/v1/events): every change of an execution's status notifies the
-- channel caravan_events on whichever node made it, and every node relays it to its listeners.
create function caravan_execution_event() returns trigger language plpgsql as $$
begin
    perform pg_notify('caravan_events', json_build_object('id', new.id, 'job_id', new.job_id,
        'status', new.status, 'node_id', new.node_id, 'at', now())::text);
    return null;
end
$$;
create trigger executions_event_insert after insert on executions
    for each row execute function caravan_execution_event();
create trigger executions_event_status after update of status on executions
    for each row when (old.status is distinct from new.status) execute function caravan_execution_event();
