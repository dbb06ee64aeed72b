package io.caravan.runtime.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Jobs and their versions in PostgreSQL: metadata and object paths only. */
public final class JobStore {

    private static final String COLUMNS =
            "id, name, enabled, tags, current_version, definition_path, created_at, updated_at";

    private final Database db;

    public JobStore(Database db) {
        this.db = db;
    }

    /** Inserts a new job with its first version; false when the id is taken. */
    public boolean create(JobRow job, String versionPath, String checksum, String author) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into jobs (id, name, enabled, tags, current_version,"
                    + " definition_path) values (?, ?, ?, ?, ?, ?) on conflict (id) do nothing")) {
                ps.setString(1, job.id());
                ps.setString(2, job.name());
                ps.setBoolean(3, job.enabled());
                ps.setArray(4, c.createArrayOf("text", job.tags().toArray()));
                ps.setInt(5, job.currentVersion());
                ps.setString(6, job.definitionPath());
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            insertVersion(c, job.id(), job.currentVersion(), versionPath, checksum, author);
            return true;
        });
    }

    /**
     * Records a new version if the job is still at {@code expectedVersion}; false when it was
     * deleted or changed meanwhile.
     */
    public boolean update(JobRow job, int expectedVersion, String versionPath, String checksum, String author) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update jobs set name = ?, enabled = ?, tags = ?,"
                    + " current_version = ?, updated_at = now() where id = ? and current_version = ?")) {
                ps.setString(1, job.name());
                ps.setBoolean(2, job.enabled());
                ps.setArray(3, c.createArrayOf("text", job.tags().toArray()));
                ps.setInt(4, job.currentVersion());
                ps.setString(5, job.id());
                ps.setInt(6, expectedVersion);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            insertVersion(c, job.id(), job.currentVersion(), versionPath, checksum, author);
            return true;
        });
    }

    private static void insertVersion(Connection c, String jobId, int version, String path, String checksum,
            String author) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into job_versions (job_id, version, path, checksum, author) values (?, ?, ?, ?, ?)")) {
            ps.setString(1, jobId);
            ps.setInt(2, version);
            ps.setString(3, path);
            ps.setString(4, checksum);
            ps.setString(5, author);
            ps.executeUpdate();
        }
    }

    /** Removes a job and its version rows; false when there was none. */
    public boolean delete(String id) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from jobs where id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    public Optional<JobRow> find(String id) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from jobs where id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<JobRow>empty();
                }
            }
        });
    }

    /** The path of one version's document, if it exists. */
    public Optional<String> versionPath(String id, int version) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select path from job_versions where job_id = ? and version = ?")) {
                ps.setString(1, id);
                ps.setInt(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /**
     * A page of jobs ordered by id.
     *
     * @param tag only jobs with this tag, or null
     * @param query only jobs whose id or name contains this text (any case), or null
     */
    public List<JobRow> list(String tag, String query, int limit, int offset) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from jobs"
                    + " where (?::text is null or ? = any(tags))"
                    + " and (?::text is null or id ilike ? or coalesce(name, '') ilike ?)"
                    + " order by id limit ? offset ?")) {
                String like = query == null ? null : "%" + query.replace("\\", "\\\\").replace("%", "\\%")
                        .replace("_", "\\_") + "%";
                ps.setString(1, tag);
                ps.setString(2, tag);
                ps.setString(3, like);
                ps.setString(4, like);
                ps.setString(5, like);
                ps.setInt(6, limit);
                ps.setInt(7, offset);
                List<JobRow> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs));
                    }
                }
                return rows;
            }
        });
    }

    private static JobRow row(ResultSet rs) throws SQLException {
        return new JobRow(rs.getString("id"), rs.getString("name"), rs.getBoolean("enabled"),
                Arrays.asList((String[]) rs.getArray("tags").getArray()), rs.getInt("current_version"),
                rs.getString("definition_path"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
