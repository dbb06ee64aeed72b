package io.caravan.runtime.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** Jobs and their versions in PostgreSQL: metadata and object paths only. */
public final class JobStore {

    private static final String COLUMNS = "id, name, enabled, tags, category, template, current_version, definition_path,"
            + " concurrency_limit, on_limit, created_at, updated_at";

    private final Database db;
    private final JdbcTemplate jdbc;

    public JobStore(Database db) {
        this.db = db;
        this.jdbc = db.jdbc();
    }

    /**
     * Inserts a new job with its first version and runs {@code writeObjects} inside the same
     * transaction (a failure there rolls the rows back); nothing is written when the
     * id is taken — a concurrent creator waits on the id's index entry until the first commits.
     *
     * @return the row as stored, or empty when the id is taken
     */
    public Optional<JobRow> create(JobRow job, String versionPath, String checksum, Change change,
            Runnable writeObjects) {
        return db.transaction(() -> {
            Optional<JobRow> inserted = jdbc.query("insert into jobs (id, name, enabled, tags, category, template,"
                    + " current_version, definition_path, concurrency_limit, on_limit) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " on conflict (id) do nothing returning " + COLUMNS,
                    JobStore::row, job.id(), job.name(), job.enabled(), job.tags().toArray(String[]::new), job.category(),
                    job.template(), job.currentVersion(), job.definitionPath(), job.concurrencyLimit(), job.onLimit())
                    .stream().findFirst();
            if (inserted.isPresent()) {
                insertVersion(job, versionPath, checksum, change);
                writeObjects.run();
            }
            return inserted;
        });
    }

    /**
     * Records a new version if the job is still at {@code expectedVersion} and runs
     * {@code writeObjects} while holding the job's row lock, so concurrent updates of one job
     * write their objects one after the other and a loser writes nothing; nothing either when the job
     * was deleted or changed meanwhile.
     *
     * @return the row as stored, or empty when the job is no longer at {@code expectedVersion}
     */
    public Optional<JobRow> update(JobRow job, int expectedVersion, String versionPath, String checksum, Change change,
            Runnable writeObjects) {
        return db.transaction(() -> {
            Optional<JobRow> updated = jdbc.query("update jobs set name = ?, enabled = ?, tags = ?, category = ?,"
                    + " template = ?, current_version = ?, concurrency_limit = ?, on_limit = ?, updated_at = now()"
                    + " where id = ? and current_version = ? returning " + COLUMNS, JobStore::row, job.name(), job.enabled(),
                    job.tags().toArray(String[]::new), job.category(), job.template(), job.currentVersion(),
                    job.concurrencyLimit(), job.onLimit(), job.id(), expectedVersion)
                    .stream().findFirst();
            if (updated.isPresent()) {
                insertVersion(job, versionPath, checksum, change);
                writeObjects.run();
            }
            return updated;
        });
    }

    private void insertVersion(JobRow job, String path, String checksum, Change change) {
        jdbc.update("insert into job_versions (job_id, version, path, checksum, author, message) values (?, ?, ?, ?, ?, ?)",
                job.id(), job.currentVersion(), path, checksum, change.author(), change.message());
    }

    /** Who made a change, and why (may be null). */
    public record Change(String author, String message) {
    }

    /** One stored version of a job, with the tags that name it. */
    public record Version(int version, String path, String checksum, String author, String message,
            java.time.Instant createdAt, List<String> tags) {
    }

    private static final String VERSION_COLUMNS = "v.version, v.path, v.checksum, v.author, v.message, v.created_at,"
            + " coalesce((select array_agg(t.tag order by t.tag) from job_version_tags t"
            + " where t.job_id = v.job_id and t.version = v.version), '{}') as tags";

    /** A job's versions, newest first. */
    public List<Version> versions(String jobId) {
        return jdbc.query("select " + VERSION_COLUMNS + " from job_versions v where v.job_id = ? order by v.version desc",
                JobStore::version, jobId);
    }

    /** One version of a job. */
    public Optional<Version> version(String jobId, int version) {
        return jdbc.query("select " + VERSION_COLUMNS + " from job_versions v where v.job_id = ? and v.version = ?",
                JobStore::version, jobId, version).stream().findFirst();
    }

    /** The version a tag names. */
    public Optional<Integer> tagged(String jobId, String tag) {
        return jdbc.queryForList("select version from job_version_tags where job_id = ? and tag = ?", Integer.class,
                jobId, tag).stream().findFirst();
    }

    /** Points a tag at a version (moving it when it named another). */
    public void tag(String jobId, String tag, int version) {
        jdbc.update("insert into job_version_tags (job_id, tag, version) values (?, ?, ?)"
                + " on conflict (job_id, tag) do update set version = excluded.version, created_at = now()", jobId, tag, version);
    }

    /** Removes a tag; false when there was none. */
    public boolean untag(String jobId, String tag) {
        return jdbc.update("delete from job_version_tags where job_id = ? and tag = ?", jobId, tag) == 1;
    }

    private static Version version(ResultSet rs, int n) throws SQLException {
        return new Version(rs.getInt("version"), rs.getString("path"), rs.getString("checksum"), rs.getString("author"),
                rs.getString("message"), rs.getTimestamp("created_at").toInstant(),
                Arrays.asList((String[]) rs.getArray("tags").getArray()));
    }

    /** Removes a job and its version rows; false when there was none. */
    /** The current version of every job, by id. */
    public java.util.Map<String, Integer> versions() {
        java.util.Map<String, Integer> versions = new java.util.HashMap<>();
        jdbc.query("select id, current_version from jobs", rs -> {
            versions.put(rs.getString(1), rs.getInt(2));
        });
        return versions;
    }

    public boolean delete(String id) {
        return jdbc.update("delete from jobs where id = ?", id) > 0;
    }

    public Optional<JobRow> find(String id) {
        return jdbc.query("select " + COLUMNS + " from jobs where id = ?", JobStore::row, id).stream().findFirst();
    }

    /**
     * A page of jobs ordered by id.
     *
     * @param tag only jobs with this tag, or null
     * @param query only jobs whose id or name contains this text (any case), or null
     */
    public List<JobRow> list(String tag, String query, int limit, int offset) {
        String like = likePattern(query);
        return jdbc.query("select " + COLUMNS + " from jobs where (?::text is null or ? = any(tags))"
                + " and (?::text is null or id ilike ? or coalesce(name, '') ilike ?) order by id limit ? offset ?",
                JobStore::row, tag, tag, like, like, like, limit, offset);
    }

    /** What a search of the catalogue may ask; each part null when not asked. */
    public record JobQuery(String text, String tag, String category, String status, String lastStatus,
            NamespaceFilter namespaces) {
    }

    /** A job as a list shows it: its row, its last execution, its next scheduled fire. */
    public record Summary(JobRow row, String lastExecutionId, String lastStatus, java.time.Instant lastAt,
            java.time.Instant nextFireAt) {
    }

    /**
     * A page of the catalogue ordered by id: text in the id, name or category (any case), a tag,
     * a category, a status ({@code enabled}, {@code disabled} or {@code template}) and the status of
     * the last execution.
     */
    public List<Summary> search(JobQuery q, int limit, int offset) {
        String like = likePattern(q.text());
        return jdbc.query("select j.*, le.id::text as last_id, le.status as last_status, le.created_at as last_at,"
                + " (select min(t.next_fire_time) from qrtz_triggers t where"
                + " t.trigger_name like j.id || '.schedule.%') as next_fire"
                + " from jobs j left join lateral (select id, status, created_at from executions e where e.job_id = j.id"
                + " order by e.created_at desc limit 1) le on true"
                + " where (?::text is null or ? = any(j.tags)) and (?::text is null or j.category = ?)"
                + " and (?::text is null or j.id ilike ? or coalesce(j.name, '') ilike ? or coalesce(j.category, '') ilike ?)"
                + " and (?::text is null or (? = 'template' and j.template) or (? = 'enabled' and j.enabled and not j.template)"
                + " or (? = 'disabled' and not j.enabled and not j.template))"
                + " and (?::text is null or le.status = ?) and " + NamespaceFilter.condition("j.id")
                + " order by j.id limit ? offset ?",
                (rs, n) -> {
                    Number next = (Number) rs.getObject("next_fire");
                    java.sql.Timestamp last = rs.getTimestamp("last_at");
                    return new Summary(row(rs, n), rs.getString("last_id"), rs.getString("last_status"),
                            last == null ? null : last.toInstant(),
                            next == null ? null : java.time.Instant.ofEpochMilli(next.longValue()));
                },
                q.tag(), q.tag(), q.category(), q.category(), like, like, like, like,
                q.status(), q.status(), q.status(), q.status(), q.lastStatus(), q.lastStatus(),
                q.namespaces().parameter(), q.namespaces().parameter(), limit, offset);
    }

    /** "contains this text" for ILIKE, its wildcards escaped; null for null. */
    private static String likePattern(String text) {
        return text == null ? null : "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static JobRow row(ResultSet rs, int n) throws SQLException {
        return new JobRow(rs.getString("id"), rs.getString("name"), rs.getBoolean("enabled"),
                Arrays.asList((String[]) rs.getArray("tags").getArray()), rs.getString("category"),
                rs.getBoolean("template"), rs.getInt("current_version"),
                rs.getString("definition_path"), rs.getObject("concurrency_limit", Integer.class),
                rs.getString("on_limit"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
