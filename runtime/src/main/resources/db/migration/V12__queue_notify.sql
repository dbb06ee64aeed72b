-- Idle workers sleep until there is work. An execution that becomes claimable — inserted or put
-- back QUEUED, or RUNNING under a lease that was let go of (released, orphaned) — notifies the
-- channel caravan_queue, and every node that listens wakes a worker at once instead of finding it
-- at its next poll. The payload is empty: PostgreSQL folds the notifications of one transaction
-- into one, so a statement that queues 50,000 executions sends one. Only status and lease
-- changes fire the trigger (a step's progress or a lease renewal does not), and the WHEN clause
-- is checked before the function is called.
create function caravan_queue_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('caravan_queue', '');
    return null;
end
$$;

create trigger executions_claimable
    after insert or update of status, lease_expires_at on executions
    for each row
    when (new.status = 'QUEUED' or (new.status = 'RUNNING' and new.lease_expires_at <= now()))
    execute function caravan_queue_notify();
