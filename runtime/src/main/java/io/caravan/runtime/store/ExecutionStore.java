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

    private final JdbcTemplate jdbc;

    public ExecutionStore(Database db) {
        this.jdbc = db.jdbc();
    }

    /** Inserts a QUEUED execution. */
    public void enqueue(UUID id, String jobId, int jobVersion, String triggerJson, String paramsJson, int totalSteps,
            String contextPath, int priority) {
        jdbc.update("insert into executions (id, job_id, job_version, status, trigger, params, total_steps,"
                + " context_path, priority) values (?, ?, ?, 'QUEUED', ?::jsonb, ?::jsonb, ?, ?, ?)",
                id, jobId, jobVersion, triggerJson, paramsJson, totalSteps, contextPath, priority);
    }

    /** Queued and running executions per job, and running ones per node. */
    public Map<String, List<Map<String, Object>>> queue() {
        List<Map<String, Object>> jobs = jdbc.queryForList("select job_id, count(*) filter (where status = 'QUEUED')"
                + " as queued, count(*) filter (where status = 'RUNNING') as running from executions"
                + " where status in ('QUEUED', 'RUNNING') group by job_id order by job_id");
        List<Map<String, Object>> nodes = jdbc.queryForList("select node_id, count(*) as running from executions"
                + " where status = 'RUNNING' group by node_id order by node_id");
        return Map.of("jobs", jobs, "nodes", nodes);
    }

    /**
     * Claims the next QUEUED execution (by priority, then age) for this node, skipping rows other
     * workers hold and jobs that are being reloaded here.
     */
    public Optional<ExecutionRow> claimNext(String nodeId, Set<String> skipJobs) {
        // `ran` tells a first run from a retry before started_at is overwritten, so only a retry
        // pays for looking up a checkpoint
        return jdbc.query("with next as (select id, started_at is not null as ran from executions"
                + " where status = 'QUEUED' and not (job_id = any(?)) order by priority desc, created_at limit 1"
                + " for update skip locked) update executions e set status = 'RUNNING', node_id = ?,"
                + " started_at = coalesce(e.started_at, now()) from next where e.id = next.id"
                + " returning e.*, next.ran", (rs, n) -> row(rs, n).ranBefore(rs.getBoolean("ran")),
                skipJobs.toArray(String[]::new), nodeId).stream().findFirst();
    }

    /** Puts a claimed execution back in the queue. */
    public void requeue(UUID id) {
        jdbc.update("update executions set status = 'QUEUED', node_id = null where id = ? and status = 'RUNNING'", id);
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
    public void setVersion(UUID id, int version, int totalSteps) {
        jdbc.update("update executions set job_version = ?, total_steps = ? where id = ?", version, totalSteps, id);
    }

    /** Records the start of a step attempt. */
    public void stepStarted(UUID id, String stepId, int attempt, Instant at) {
        jdbc.update("with run as (insert into step_runs (execution_id, step_id, attempt, status, started_at)"
                + " values (?, ?, ?, 'RUNNING', ?) on conflict do nothing)"
                + " update executions set current_step = ? where id = ?",
                id, stepId, attempt, Timestamp.from(at), stepId, id);
    }

    /**
     * Records the end of a step attempt and the execution's progress (0–100).
     *
     * @return whether the execution was asked to cancel (read in the same round trip)
     */
    public boolean stepEnded(UUID id, String stepId, int attempt, String status, String errorType, String errorMessage,
            Instant at, int progress) {
        return jdbc.query("with run as (update step_runs set status = ?, error_type = ?, error_message = ?,"
                + " completed_at = ? where execution_id = ? and step_id = ? and attempt = ?)"
                + " update executions set progress = ? where id = ? returning cancel_requested",
                (rs, n) -> rs.getBoolean(1), status, errorType, errorMessage, Timestamp.from(at), id, stepId, attempt,
                progress, id).stream().findFirst().orElse(false);
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

    /** Ends an execution with a final status. */
    public void finish(UUID id, String status) {
        finish(id, status, null, null);
    }

    /** Ends an execution with a final status and an error of the execution as a whole (not of a step). */
    public void finish(UUID id, String status, String errorType, String errorMessage) {
        jdbc.update("update executions set status = ?, completed_at = now(), progress = case when ? = 'SUCCESS'"
                + " then 100 else progress end, error_type = ?, error_message = ? where id = ?",
                status, status, errorType, errorMessage, id);
    }

    /** An execution with its step attempts. */
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
    public List<ExecutionRow> list(String jobId, String status, int limit, int offset) {
        return jdbc.query("select " + COLUMNS + " from executions where (?::text is null or job_id = ?)"
                + " and (?::text is null or status = ?) order by created_at desc, id limit ? offset ?",
                ExecutionStore::row, jobId, jobId, status, status, limit, offset);
    }

    private static ExecutionRow row(ResultSet rs, int n) throws SQLException {
        return new ExecutionRow(rs.getObject("id", UUID.class), rs.getString("job_id"),
                rs.getObject("job_version", Integer.class), rs.getString("status"), rs.getInt("priority"),
                rs.getString("trigger"),
                rs.getString("params"), rs.getInt("total_steps"), rs.getInt("progress"), rs.getString("current_step"),
                rs.getString("context_path"), rs.getString("node_id"), rs.getString("error_type"),
                rs.getString("error_message"), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "completed_at"), List.of(), false);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
