package io.caravan.runtime.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Executions and their step attempts; the queue is the executions table itself. */
public final class ExecutionStore {

    private static final String COLUMNS = "id, job_id, job_version, status, trigger::text as trigger,"
            + " params::text as params, total_steps, progress, current_step, context_path, node_id, error_type, error_message,"
            + " created_at,"
            + " started_at, completed_at";

    private final Database db;

    public ExecutionStore(Database db) {
        this.db = db;
    }

    /** Inserts a QUEUED execution. */
    public void enqueue(UUID id, String jobId, int jobVersion, String triggerJson, String paramsJson, int totalSteps,
            String contextPath) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into executions (id, job_id, job_version, status,"
                    + " trigger, params, total_steps, context_path) values (?, ?, ?, 'QUEUED', ?::jsonb, ?::jsonb, ?, ?)")) {
                ps.setObject(1, id);
                ps.setString(2, jobId);
                ps.setInt(3, jobVersion);
                ps.setString(4, triggerJson);
                ps.setString(5, paramsJson);
                ps.setInt(6, totalSteps);
                ps.setString(7, contextPath);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Claims the next QUEUED execution (by priority, then age) for this node, skipping rows other
     * workers hold and jobs that are being reloaded here.
     */
    public Optional<ExecutionRow> claimNext(String nodeId, Set<String> skipJobs) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update executions set status = 'RUNNING', node_id = ?,"
                    + " started_at = coalesce(started_at, now()) where id = (select id from executions"
                    + " where status = 'QUEUED' and not (job_id = any(?)) order by priority desc, created_at"
                    + " limit 1 for update skip locked) returning " + COLUMNS)) {
                ps.setString(1, nodeId);
                ps.setArray(2, c.createArrayOf("text", skipJobs.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs, List.of())) : Optional.<ExecutionRow>empty();
                }
            }
        });
    }

    /** Puts a claimed execution back in the queue. */
    public void requeue(UUID id) {
        update("update executions set status = 'QUEUED', node_id = null where id = ? and status = 'RUNNING'", id);
    }

    /** Records the job version an execution runs. */
    public void setVersion(UUID id, int version) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update executions set job_version = ? where id = ?")) {
                ps.setInt(1, version);
                ps.setObject(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Records the start of a step attempt. */
    public void stepStarted(UUID id, String stepId, int attempt, Instant at) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into step_runs (execution_id, step_id, attempt,"
                    + " status, started_at) values (?, ?, ?, 'RUNNING', ?) on conflict do nothing")) {
                ps.setObject(1, id);
                ps.setString(2, stepId);
                ps.setInt(3, attempt);
                ps.setTimestamp(4, Timestamp.from(at));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("update executions set current_step = ? where id = ?")) {
                ps.setString(1, stepId);
                ps.setObject(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Records the end of a step attempt and the execution's progress (0–100). */
    public void stepEnded(UUID id, String stepId, int attempt, String status, String errorType, String errorMessage,
            Instant at, int progress) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update step_runs set status = ?, error_type = ?,"
                    + " error_message = ?, completed_at = ? where execution_id = ? and step_id = ? and attempt = ?")) {
                ps.setString(1, status);
                ps.setString(2, errorType);
                ps.setString(3, errorMessage);
                ps.setTimestamp(4, Timestamp.from(at));
                ps.setObject(5, id);
                ps.setString(6, stepId);
                ps.setInt(7, attempt);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("update executions set progress = ? where id = ?")) {
                ps.setInt(1, progress);
                ps.setObject(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Ends an execution with a final status. */
    public void finish(UUID id, String status) {
        finish(id, status, null, null);
    }

    /** Ends an execution with a final status and an error of the execution as a whole (not of a step). */
    public void finish(UUID id, String status, String errorType, String errorMessage) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update executions set status = ?, completed_at = now(),"
                    + " progress = case when ? = 'SUCCESS' then 100 else progress end, error_type = ?, error_message = ?"
                    + " where id = ?")) {
                ps.setString(1, status);
                ps.setString(2, status);
                ps.setString(3, errorType);
                ps.setString(4, errorMessage);
                ps.setObject(5, id);
                return ps.executeUpdate();
            }
        });
    }

    /** An execution with its step attempts. */
    public Optional<ExecutionRow> find(UUID id) {
        return db.run(c -> {
            ExecutionRow bare;
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from executions where id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<ExecutionRow>empty();
                    }
                    bare = row(rs, List.of());
                }
            }
            List<ExecutionRow.StepRunRow> steps = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select step_id, attempt, status, error_type, error_message,"
                    + " started_at, completed_at from step_runs where execution_id = ? order by started_at, attempt")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        steps.add(new ExecutionRow.StepRunRow(rs.getString(1), rs.getInt(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), instant(rs, 6), instant(rs, 7)));
                    }
                }
            }
            return Optional.of(withSteps(bare, steps));
        });
    }

    /** A page of executions, newest first; job and status may be null. */
    public List<ExecutionRow> list(String jobId, String status, int limit, int offset) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from executions"
                    + " where (?::text is null or job_id = ?) and (?::text is null or status = ?)"
                    + " order by created_at desc, id limit ? offset ?")) {
                ps.setString(1, jobId);
                ps.setString(2, jobId);
                ps.setString(3, status);
                ps.setString(4, status);
                ps.setInt(5, limit);
                ps.setInt(6, offset);
                List<ExecutionRow> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs, List.of()));
                    }
                }
                return rows;
            }
        });
    }

    private void update(String sql, UUID id) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
    }

    private static ExecutionRow withSteps(ExecutionRow r, List<ExecutionRow.StepRunRow> steps) {
        return new ExecutionRow(r.id(), r.jobId(), r.jobVersion(), r.status(), r.trigger(), r.params(), r.totalSteps(),
                r.progress(), r.currentStep(), r.contextPath(), r.nodeId(), r.errorType(), r.errorMessage(), r.createdAt(), r.startedAt(),
                r.completedAt(), steps);
    }

    private static ExecutionRow row(ResultSet rs, List<ExecutionRow.StepRunRow> steps) throws SQLException {
        return new ExecutionRow(rs.getObject("id", UUID.class), rs.getString("job_id"),
                rs.getObject("job_version", Integer.class), rs.getString("status"), rs.getString("trigger"),
                rs.getString("params"), rs.getInt("total_steps"), rs.getInt("progress"), rs.getString("current_step"),
                rs.getString("context_path"), rs.getString("node_id"), rs.getString("error_type"),
                rs.getString("error_message"), instant(rs, "created_at"),
                instant(rs, "started_at"), instant(rs, "completed_at"), steps);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
