package io.caravan.runtime.metrics;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A job's statistics over a window, computed by PostgreSQL from the executions and step runs
 * created since then: two queries, each walking the job's executions by the (job, created)
 * index. Durations are from a run's first start to its end, and from an attempt's start to its
 * end; percentiles are interpolated ({@code percentile_cont}).
 */
public final class JobStats {

    private final JdbcTemplate jdbc;

    public JobStats(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The runs of a job created since {@code since}.
     *
     * @param total how many
     * @param byStatus runs by status (QUEUED and RUNNING included), as a JSON object
     * @param outcomes runs that ended SUCCESS, PARTIAL_SUCCESS, FAILED or TIMED_OUT
     * @param successes runs that ended SUCCESS
     * @param p50 the median duration of the runs that ended after starting, in seconds, or null
     * @param p95 the 95th percentile of the same, or null
     * @param lastSuccess the end of the last SUCCESS, or null
     * @param lastFailure the end of the last FAILED or TIMED_OUT, or null
     */
    public record Runs(long total, String byStatus, long outcomes, long successes, Double p50, Double p95,
            Instant lastSuccess, Instant lastFailure) {
    }

    /**
     * The attempts of one step, of the runs created since then.
     *
     * @param p50 the median duration of its attempts that ran (not SKIPPED), in seconds, or null
     */
    public record Step(String stepId, long attempts, long succeeded, long failed, long skipped, Double p50, Double p95) {
    }

    /** The job's runs created since {@code since}. */
    public Runs runs(String jobId, Instant since) {
        return jdbc.queryForObject("with runs as (select status, completed_at,"
                + " extract(epoch from completed_at - started_at) as seconds"
                + " from executions where job_id = ? and created_at >= ?)"
                + " select count(*) as total,"
                + " (select coalesce(jsonb_object_agg(status, n), '{}')::text"
                + " from (select status, count(*) as n from runs group by status) s) as by_status,"
                // the final statuses that are an outcome of the job's work; CANCELLED is not one
                + " count(*) filter (where status in ('SUCCESS', 'PARTIAL_SUCCESS', 'FAILED', 'TIMED_OUT')) as outcomes,"
                + " count(*) filter (where status = 'SUCCESS') as successes,"
                + " percentile_cont(0.5) within group (order by seconds) as p50,"
                + " percentile_cont(0.95) within group (order by seconds) as p95,"
                + " max(completed_at) filter (where status = 'SUCCESS') as last_success,"
                + " max(completed_at) filter (where status in ('FAILED', 'TIMED_OUT')) as last_failure"
                + " from runs",
                (rs, n) -> new Runs(rs.getLong("total"), rs.getString("by_status"), rs.getLong("outcomes"),
                        rs.getLong("successes"), number(rs, "p50"), number(rs, "p95"), instant(rs, "last_success"),
                        instant(rs, "last_failure")),
                jobId, Timestamp.from(since));
    }

    /** The job's steps, as attempted by its runs created since {@code since}, in the order they first ran. */
    public List<Step> steps(String jobId, Instant since) {
        return jdbc.query("select r.step_id, count(*) as attempts,"
                + " count(*) filter (where r.status = 'SUCCESS') as succeeded,"
                + " count(*) filter (where r.status = 'FAILED') as failed,"
                + " count(*) filter (where r.status = 'SKIPPED') as skipped,"
                + " percentile_cont(0.5) within group (order by extract(epoch from r.completed_at - r.started_at))"
                + " filter (where r.status <> 'SKIPPED') as p50,"
                + " percentile_cont(0.95) within group (order by extract(epoch from r.completed_at - r.started_at))"
                + " filter (where r.status <> 'SKIPPED') as p95"
                + " from step_runs r join executions e on e.id = r.execution_id"
                + " where e.job_id = ? and e.created_at >= ? and r.completed_at is not null"
                + " group by r.step_id order by min(r.started_at), r.step_id",
                (rs, n) -> new Step(rs.getString("step_id"), rs.getLong("attempts"), rs.getLong("succeeded"),
                        rs.getLong("failed"), rs.getLong("skipped"), number(rs, "p50"), number(rs, "p95")),
                jobId, Timestamp.from(since));
    }

    private static Double number(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
