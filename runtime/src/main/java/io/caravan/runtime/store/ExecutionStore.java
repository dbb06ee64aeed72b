package io.caravan.runtime.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Executions and their step attempts; the queue is the executions table itself. */
public final class ExecutionStore {

    private static final String COLUMNS = "id, job_id, job_version, status, priority, trigger::text as trigger,"
            + " params::text as params, total_steps, progress, current_step, context_path, node_id, error_type,"
            + " error_message, created_at, started_at, completed_at";

    /**
     * Ends a step attempt's row, in a statement whose CTE {@code owner} returns the execution's id
     * when the lease holds (so a stale node ends nothing). Binds: status, error type, error
     * message, completed at, step id, attempt.
     */
    private static final String END_RUN = "update step_runs set status = ?, error_type = ?, error_message = ?,"
            + " completed_at = ? where execution_id = (select id from owner) and step_id = ? and attempt = ?";

    private final JdbcTemplate jdbc;
    private final org.springframework.transaction.support.TransactionTemplate transactions;

    public ExecutionStore(Database db) {
        this.jdbc = db.jdbc();
        this.transactions = new org.springframework.transaction.support.TransactionTemplate(
                new org.springframework.jdbc.datasource.DataSourceTransactionManager(jdbc.getDataSource()));
    }

    /** Inserts a QUEUED execution. */
    public void enqueue(UUID id, String jobId, int jobVersion, String triggerJson, String paramsJson, int totalSteps,
            String contextPath, int priority) {
        jdbc.update("insert into executions (id, job_id, job_version, status, trigger, params, total_steps,"
                + " context_path, priority) values (?, ?, ?, 'QUEUED', ?::jsonb, ?::jsonb, ?, ?, ?)",
                id, jobId, jobVersion, triggerJson, paramsJson, totalSteps, contextPath, priority);
    }

    /**
     * Inserts an execution for a webhook delivery unless the same delivery id came for the job in
     * the last 24 hours, in one statement, so two nodes given the same delivery at once start one
     * execution. It is QUEUED; or, given {@code nodeId}, inserted already claimed by that node
     * (RUNNING, lease epoch 1, expiring after {@code lease}) for one of its workers that waits for
     * it, which saves the claim statement. That lease is a lease like any other: if the node dies,
     * another takes the execution over.
     *
     * @return the execution of the delivery: the new one (with its claim when claimed here), or
     *     the first one of a repeated delivery
     */
    public Delivery enqueueDelivery(UUID id, String jobId, int jobVersion, String triggerJson, String paramsJson,
            int totalSteps, String contextPath, String deliveryId, String nodeId, java.time.Duration lease) {
        // a delivery id older than 24 hours is taken as new: the row is claimed again for this one
        Delivery delivery = jdbc.queryForObject("with d as (insert into webhook_deliveries (job_id, delivery_id, execution_id)"
                + " values (?, ?, ?) on conflict (job_id, delivery_id) do update set execution_id = excluded.execution_id,"
                + " received_at = now() where webhook_deliveries.received_at < now() - interval '24 hours'"
                + " returning execution_id),"
                + " e as (insert into executions (id, job_id, job_version, status, trigger, params, total_steps,"
                + " context_path, node_id, started_at, lease_epoch, lease_expires_at)"
                + " select ?, ?, ?, case when ?::text is null then 'QUEUED' else 'RUNNING' end, ?::jsonb, ?::jsonb, ?, ?,"
                + " ?::text, case when ?::text is null then null else now() end,"
                + " case when ?::text is null then 0 else 1 end,"
                + " case when ?::text is null then null else now() + make_interval(secs => ?) end"
                + " from d returning id, created_at)"
                + " select coalesce((select id from e), (select execution_id from webhook_deliveries"
                + " where job_id = ? and delivery_id = ?)) as id, exists (select 1 from e) as created,"
                + " (select created_at from e) as created_at",
                (rs, n) -> {
                    UUID executionId = rs.getObject("id", UUID.class);
                    if (!rs.getBoolean("created") || nodeId == null) {
                        return new Delivery(executionId, rs.getBoolean("created"), null);
                    }
                    Instant at = rs.getTimestamp("created_at").toInstant();
                    ExecutionRow row = new ExecutionRow(id, jobId, jobVersion, "RUNNING", 0, triggerJson, paramsJson,
                            totalSteps, 0, null, contextPath, nodeId, null, null, at, at, null, List.of());
                    return new Delivery(executionId, true,
                            new Claim(row, new Lease(id, nodeId, 1), false, false, null, jobVersion));
                },
                jobId, deliveryId, id, id, jobId, jobVersion, nodeId, triggerJson, paramsJson, totalSteps, contextPath,
                nodeId, nodeId, nodeId, nodeId, lease == null ? 0.0 : (double) lease.toMillis() / 1000,
                jobId, deliveryId);
        if (delivery.executionId() == null) {
            // the same delivery was being inserted by another node: this statement waited for it,
            // but its snapshot is older than that row; a new statement sees it
            UUID first = jdbc.queryForObject("select execution_id from webhook_deliveries where job_id = ?"
                    + " and delivery_id = ?", UUID.class, jobId, deliveryId);
            return new Delivery(first, false, null);
        }
        return delivery;
    }

    /**
     * The execution of a webhook delivery; {@code created} false when the delivery was a repeat;
     * {@code claim} the new execution's claim when it was inserted already claimed, else null.
     */
    public record Delivery(UUID executionId, boolean created, Claim claim) {
    }

    /** Records a run that a trigger started but that could not run (its parameters did not fit): FAILED at once. */
    public void insertFailed(UUID id, String jobId, int jobVersion, String triggerJson, String contextPath,
            String errorType, String errorMessage) {
        jdbc.update("insert into executions (id, job_id, job_version, status, trigger, total_steps, context_path,"
                + " error_type, error_message, completed_at) values (?, ?, ?, 'FAILED', ?::jsonb, 0, ?, ?, ?, now())",
                id, jobId, jobVersion, triggerJson, contextPath, errorType, errorMessage);
    }

    /** How many executions of a job are queued or running. */
    public int active(String jobId) {
        Integer n = jdbc.queryForObject("select count(*)::int from executions where job_id = ?"
                + " and status in ('QUEUED', 'RUNNING')", Integer.class, jobId);
        return n == null ? 0 : n;
    }

    /** The oldest queued or running execution of a job, or empty. */
    public Optional<UUID> oldestActive(String jobId) {
        return jdbc.query("select id from executions where job_id = ? and status in ('QUEUED', 'RUNNING')"
                + " order by created_at limit 1", (rs, n) -> rs.getObject(1, UUID.class), jobId).stream().findFirst();
    }

    /** Queued and running executions per job, and running ones per node. */
    public Map<String, List<Map<String, Object>>> queue(NamespaceFilter namespaces) {
        List<Map<String, Object>> jobs = jdbc.queryForList("select job_id, count(*) filter (where status = 'QUEUED')"
                + " as queued, count(*) filter (where status = 'RUNNING') as running from executions"
                + " where status in ('QUEUED', 'RUNNING') and " + NamespaceFilter.condition("job_id")
                + " group by job_id order by job_id", namespaces.parameter(), namespaces.parameter());
        List<Map<String, Object>> nodes = jdbc.queryForList("select node_id, count(*) as running from executions"
                + " where status = 'RUNNING' group by node_id order by node_id");
        return Map.of("jobs", jobs, "nodes", nodes);
    }

    /**
     * Claims the next execution for this node — a QUEUED one (by priority, then age), or a
     * RUNNING one whose lease expired (its node died) — skipping rows other workers hold and
     * jobs being reloaded here. The claim is a new lease: epoch + 1, expiring after {@code lease}.
     */
    public Optional<Claim> claimNext(String nodeId, Set<String> skipJobs, java.time.Duration lease) {
        // Two index walks, never a sort of the queue: a claim costs the same with 50,000 rows
        // queued as with one. An expired lease goes first; FOR UPDATE cannot stand in a UNION,
        // hence two CTEs, the second skipped when the first found one. `ran` and `recovered`
        // are read before the update overwrites them: only an execution that ran before pays
        // for looking up a checkpoint. A job with a concurrency limit is claimed under a
        // transaction-scoped advisory lock on the job, so two nodes rarely both see one free
        // slot; a node that cannot take the lock skips it. Rarely, not never: a statement's
        // snapshot is taken before the lock, so a claim committed in between is not counted —
        // withinLimit checks again under the lock, with a snapshot taken after it.
        Optional<Claim> claimed = jdbc.query("with expired as (select e.id, e.started_at is not null as ran, true as recovered,"
                + " e.node_id as previous_node, j.current_version as job_current_version, j.concurrency_limit as job_limit"
                + " from executions e left join jobs j on j.id = e.job_id"
                + " where e.status = 'RUNNING' and e.lease_expires_at < now() and not (e.job_id = any(?))"
                + " order by e.lease_expires_at limit 1 for update of e skip locked),"
                + " queued as (select e.id, e.started_at is not null as ran, false as recovered,"
                + " e.node_id as previous_node, j.current_version as job_current_version, j.concurrency_limit as job_limit"
                + " from executions e left join jobs j on j.id = e.job_id"
                + " where not exists (select 1 from expired) and e.status = 'QUEUED' and not (e.job_id = any(?))"
                + " and (j.concurrency_limit is null"
                + " or (pg_try_advisory_xact_lock(hashtext('caravan.job.' || e.job_id))"
                + " and (select count(*) from executions r where r.job_id = e.job_id and r.status = 'RUNNING')"
                + " < j.concurrency_limit))"
                + " order by e.priority desc, e.created_at limit 1 for update of e skip locked),"
                + " next as (select * from expired union all select * from queued)"
                + " update executions e set status = 'RUNNING', node_id = ?, started_at = coalesce(e.started_at, now()),"
                + " lease_epoch = e.lease_epoch + 1, lease_expires_at = now() + make_interval(secs => ?)"
                + " from next where e.id = next.id returning e.*, next.ran, next.recovered, next.previous_node,"
                + " next.job_current_version, next.job_limit",
                (rs, n) -> Map.entry(new Claim(row(rs, n), new Lease(rs.getObject("id", UUID.class), nodeId,
                        rs.getInt("lease_epoch")), rs.getBoolean("ran"), rs.getBoolean("recovered"),
                        rs.getString("previous_node"), rs.getObject("job_current_version", Integer.class)),
                        Optional.ofNullable(rs.getObject("job_limit", Integer.class))),
                skipJobs.toArray(String[]::new), skipJobs.toArray(String[]::new), nodeId,
                (double) lease.toMillis() / 1000).stream().findFirst()
                .filter(c -> c.getValue().isEmpty() || c.getKey().recovered() || withinLimit(c.getKey(), c.getValue().get()))
                .map(Map.Entry::getKey);
        return claimed;
    }

    /**
     * Whether a fresh claim of a job with a concurrency limit keeps within it, checked under the
     * job's advisory lock (waited for, so these checks of one job run one after another) with a
     * snapshot taken once the lock is held: every other claim committed before is counted. Over
     * the limit, the claim is undone — the execution is QUEUED again as it was — and the
     * claim that committed first keeps its slot.
     */
    private boolean withinLimit(Claim claim, int limit) {
        String jobId = claim.row().jobId();
        return Boolean.TRUE.equals(transactions.execute(status -> {
            jdbc.query("select pg_advisory_xact_lock(hashtext('caravan.job.' || ?))", rs -> { }, jobId);
            Integer running = jdbc.queryForObject("select count(*)::int from executions where job_id = ?"
                    + " and status = 'RUNNING'", Integer.class, jobId);
            if (running != null && running <= limit) {
                return true;
            }
            jdbc.update("update executions set status = 'QUEUED', node_id = null, lease_expires_at = null,"
                    + " started_at = case when ? then started_at end where id = ? and node_id = ? and lease_epoch = ?",
                    claim.ranBefore(), claim.lease().executionId(), claim.lease().nodeId(), claim.lease().epoch());
            return false;
        }));
    }

    /**
     * Extends the leases this node holds; returns the executions whose lease it still holds
     * (one missing was taken over by another node, whose claim wins).
     */
    public Set<UUID> renew(String nodeId, java.util.Collection<Lease> leases, java.time.Duration lease) {
        if (leases.isEmpty()) {
            return Set.of();
        }
        UUID[] ids = leases.stream().map(Lease::executionId).toArray(UUID[]::new);
        Integer[] epochs = leases.stream().map(Lease::epoch).toArray(Integer[]::new);
        Set<UUID> held = new java.util.HashSet<>();
        // by (id, epoch): a renewal read before this node released or postponed a lease must not revive it
        jdbc.query("update executions e set lease_expires_at = now() + make_interval(secs => ?)"
                + " from unnest(?::uuid[], ?::int[]) as l(id, epoch)"
                + " where e.id = l.id and e.lease_epoch = l.epoch and e.node_id = ? and e.status = 'RUNNING'"
                + " and e.lease_expires_at > now() returning e.id", rs -> {
                    held.add(rs.getObject(1, UUID.class));
                }, (double) lease.toMillis() / 1000, ids, epochs, nodeId);
        return held;
    }

    /**
     * Gives a running execution up at a clean shutdown: it stays RUNNING with its lease expired,
     * so any node claims it at once and continues from its checkpoint.
     */
    public void release(Lease lease) {
        fenced(jdbc.update("update executions set lease_expires_at = now() - interval '1 millisecond'"
                + " where id = ? and node_id = ? and lease_epoch = ? and status = 'RUNNING'", args(lease)), lease);
    }

    /**
     * Lets go of a claimed execution for a while (the object store could not be reached): it
     * stays RUNNING and any node — this one too — claims it again once {@code wait} has passed.
     */
    public void postpone(Lease lease, java.time.Duration wait) {
        fenced(jdbc.update("update executions set lease_expires_at = now() + make_interval(secs => ?)"
                + " where id = ? and node_id = ? and lease_epoch = ? and status = 'RUNNING'",
                (double) wait.toMillis() / 1000, lease.executionId(), lease.nodeId(), lease.epoch()), lease);
    }

    /**
     * Lets go of the executions an earlier process of this node left RUNNING (it was killed):
     * their leases expire now instead of at their term, so they are continued at once.
     *
     * @return how many there were
     */
    public int releaseOrphans(String nodeId) {
        return jdbc.update("update executions set lease_expires_at = now() - interval '1 millisecond'"
                + " where node_id = ? and status = 'RUNNING' and lease_expires_at > now()", nodeId);
    }

    /** Puts a claimed execution back in the queue. */
    public void requeue(Lease lease) {
        fenced(jdbc.update("update executions set status = 'QUEUED', node_id = null, lease_expires_at = null"
                + " where id = ? and node_id = ? and lease_epoch = ?", args(lease)), lease);
    }

    /**
     * Puts a FAILED or TIMED_OUT execution back in the queue to continue from its checkpoint;
     * false when it is not (or no longer) in one of those states.
     */
    public boolean requeueForRetry(UUID id) {
        return jdbc.update("update executions set status = 'QUEUED', node_id = null, completed_at = null,"
                + " error_type = null, error_message = null, cancel_requested = false"
                + " where id = ? and status in ('FAILED', 'TIMED_OUT')", id) > 0;
    }

    /** Records the job version an execution runs, and its number of steps. */
    public void setVersion(Lease lease, int version, int totalSteps) {
        fenced(jdbc.update("update executions set job_version = ?, total_steps = ?"
                + " where id = ? and node_id = ? and lease_epoch = ?", version, totalSteps, lease.executionId(),
                lease.nodeId(), lease.epoch()), lease);
    }

    /**
     * Records the start of a step attempt — with the end of the step before it, when that is
     * still to be written ({@code before}; its checkpoint is written already) — in one round
     * trip; refused unless the lease still holds. An execution asked to cancel starts no step:
     * then only {@code before} is recorded.
     *
     * @return false when the execution was asked to cancel (read in the same round trip)
     */
    public boolean stepStarted(Lease lease, String stepId, int attempt, Instant at, StepEnd before) {
        StepEnd end = before == null ? StepEnd.NONE : before;
        List<Boolean> cancel = jdbc.query("with owner as (update executions set"
                + " current_step = case when cancel_requested then current_step else ? end,"
                + " progress = coalesce(?, progress)"
                + " where id = ? and node_id = ? and lease_epoch = ? returning id, cancel_requested),"
                + " ended as (" + END_RUN + "),"
                + " run as (insert into step_runs (execution_id, step_id, attempt, status, started_at)"
                + " select id, ?, ?, 'RUNNING', ? from owner where not cancel_requested on conflict do nothing)"
                + " select cancel_requested from owner", (rs, n) -> rs.getBoolean(1),
                stepId, end.progress(), lease.executionId(), lease.nodeId(), lease.epoch(), end.status(),
                end.errorType(), end.errorMessage(), end.timestamp(), end.stepId(), end.attempt(),
                stepId, attempt, Timestamp.from(at));
        fenced(cancel.size(), lease);
        return !cancel.get(0);
    }

    /**
     * The end of a step attempt, checkpointed and not yet in its row: written with whatever the
     * execution records next (the next step's start, or its own end).
     *
     * @param progress the execution's progress after it, 0–100
     */
    public record StepEnd(String stepId, Integer attempt, String status, String errorType, String errorMessage,
            Instant at, Integer progress) {

        static final StepEnd NONE = new StepEnd(null, null, null, null, null, null, null);

        Timestamp timestamp() {
            return at == null ? null : Timestamp.from(at);
        }
    }

    /**
     * Records the end of a step attempt and the execution's progress (0–100); refused unless the
     * lease still holds.
     *
     * @return whether the execution was asked to cancel (read in the same round trip)
     */
    public boolean stepEnded(Lease lease, String stepId, int attempt, String status, String errorType,
            String errorMessage, Instant at, int progress) {
        List<Boolean> cancel = jdbc.query("with owner as (update executions set progress = ?"
                + " where id = ? and node_id = ? and lease_epoch = ? returning id, cancel_requested),"
                + " run as (" + END_RUN + ")"
                + " select cancel_requested from owner", (rs, n) -> rs.getBoolean(1),
                progress, lease.executionId(), lease.nodeId(), lease.epoch(), status, errorType, errorMessage,
                Timestamp.from(at), stepId, attempt);
        fenced(cancel.size(), lease);
        return cancel.get(0);
    }

    /** The step attempts recorded for an execution, in the order they began. */
    public List<Attempt> attempts(UUID id) {
        return jdbc.query("select step_id, attempt, status from step_runs where execution_id = ? order by started_at",
                (rs, n) -> new Attempt(rs.getString(1), rs.getInt(2), rs.getString(3)), id);
    }

    /** A recorded step attempt. */
    public record Attempt(String stepId, int attempt, String status) {
    }

    /**
     * Cancels an execution: a QUEUED one becomes CANCELLED at once, a RUNNING one is marked for
     * its worker to stop after the current step.
     *
     * @return the status it now has (CANCELLED or RUNNING), or empty when it was neither queued nor running
     */
    public Optional<String> cancel(UUID id) {
        return jdbc.query("update executions set cancel_requested = (status = 'RUNNING'),"
                + " completed_at = case when status = 'QUEUED' then now() else completed_at end,"
                + " status = case when status = 'QUEUED' then 'CANCELLED' else status end"
                + " where id = ? and status in ('QUEUED', 'RUNNING') returning status",
                (rs, n) -> rs.getString(1), id).stream().findFirst();
    }

    /** Ends an execution with a final status; refused unless the lease still holds. */
    public void finish(Lease lease, String status) {
        finish(lease, status, null, null, null);
    }

    /**
     * Ends an execution with a final status and an error of the execution as a whole (not of a
     * step); refused unless the lease still holds.
     */
    public void finish(Lease lease, String status, String errorType, String errorMessage) {
        finish(lease, status, errorType, errorMessage, null);
    }

    /**
     * Ends an execution as {@link #finish(Lease, String, String, String)} does, recording in the
     * same round trip the end of its last step when that is still to be written ({@code last}).
     */
    public void finish(Lease lease, String status, String errorType, String errorMessage, StepEnd last) {
        StepEnd end = last == null ? StepEnd.NONE : last;
        Integer owned = jdbc.queryForObject("with owner as (update executions set status = ?, completed_at = now(),"
                + " lease_expires_at = null,"
                + " progress = case when ? = 'SUCCESS' then 100 else coalesce(?, progress) end,"
                + " error_type = ?, error_message = ?"
                + " where id = ? and node_id = ? and lease_epoch = ? returning id),"
                + " ended as (" + END_RUN + ")"
                + " select count(*)::int from owner", Integer.class,
                status, status, end.progress(), errorType, errorMessage, lease.executionId(), lease.nodeId(),
                lease.epoch(), end.status(), end.errorType(), end.errorMessage(), end.timestamp(), end.stepId(),
                end.attempt());
        fenced(owned == null ? 0 : owned, lease);
    }

    private static Object[] args(Lease lease) {
        return new Object[] {lease.executionId(), lease.nodeId(), lease.epoch()};
    }

    private static void fenced(int rows, Lease lease) {
        if (rows == 0) {
            throw new LeaseLostException(lease);
        }
    }

    /** An execution with its step attempts. */
    /** An execution's row without its step runs (one query). */
    public Optional<ExecutionRow> row(UUID id) {
        return jdbc.query("select " + COLUMNS + " from executions where id = ?", ExecutionStore::row, id).stream().findFirst();
    }

    /** Which of these executions have ended (one query, for whoever waits on several). */
    public java.util.Set<UUID> endedAmong(java.util.Collection<UUID> ids) {
        return new java.util.HashSet<>(jdbc.queryForList("select id from executions where id = any(?)"
                + " and status not in ('QUEUED', 'RUNNING')", UUID.class, (Object) ids.toArray(UUID[]::new)));
    }

    public Optional<ExecutionRow> find(UUID id) {
        Optional<ExecutionRow> bare = jdbc.query("select " + COLUMNS + " from executions where id = ?",
                ExecutionStore::row, id).stream().findFirst();
        return bare.map(row -> row.withSteps(jdbc.query("select step_id, attempt, status, error_type, error_message,"
                + " started_at, completed_at from step_runs where execution_id = ? order by started_at, attempt",
                (rs, n) -> new ExecutionRow.StepRunRow(rs.getString(1), rs.getInt(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), instant(rs, "started_at"), instant(rs, "completed_at")),
                id)));
    }

    /** A page of executions, newest first; job and status may be null. */
    public List<ExecutionRow> list(String jobId, String status, NamespaceFilter namespaces, int limit, int offset) {
        return jdbc.query("select " + COLUMNS + " from executions where (?::text is null or job_id = ?)"
                + " and (?::text is null or status = ?) and " + NamespaceFilter.condition("job_id")
                + " order by created_at desc, id limit ? offset ?",
                ExecutionStore::row, jobId, jobId, status, status, namespaces.parameter(), namespaces.parameter(), limit, offset);
    }

    private static ExecutionRow row(ResultSet rs, int n) throws SQLException {
        return new ExecutionRow(rs.getObject("id", UUID.class), rs.getString("job_id"),
                rs.getObject("job_version", Integer.class), rs.getString("status"), rs.getInt("priority"),
                rs.getString("trigger"),
                rs.getString("params"), rs.getInt("total_steps"), rs.getInt("progress"), rs.getString("current_step"),
                rs.getString("context_path"), rs.getString("node_id"), rs.getString("error_type"),
                rs.getString("error_message"), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "completed_at"), List.of());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
