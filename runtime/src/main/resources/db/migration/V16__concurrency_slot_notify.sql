-- An execution of a job with a concurrency limit that ends frees a slot: the job's queued
-- executions become claimable again, though none of them changed. V12's trigger sees only rows
-- that become claimable themselves, so until now only the node whose run ended took the next one
-- at once, and the other nodes found it at their idle poll. This wakes every node, as V12 does.
-- The lookup of the job (by its key) happens only when a run ends, and only runs of limited jobs
-- notify.
create function caravan_slot_notify() returns trigger language plpgsql as $$
begin
    if exists (select 1 from jobs where id = new.job_id and concurrency_limit is not null) then
        perform pg_notify('caravan_queue', '');
    end if;
    return null;
end
$$;

create trigger executions_slot_freed
    after update of status on executions
    for each row
    when (old.status = 'RUNNING' and new.status not in ('QUEUED', 'RUNNING'))
    execute function caravan_slot_notify();
