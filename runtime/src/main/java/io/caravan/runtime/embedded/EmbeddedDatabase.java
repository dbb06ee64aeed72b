package io.caravan.runtime.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The embedded PostgreSQL of the default set-up: data under {@code <data dir>/postgres}, kept
 * across restarts; a database {@code caravan} for Caravan and {@code local} for jobs.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The database that holds Caravan's own tables. */
    public static final String CARAVAN_DB = "caravan";
    /** The database behind the {@code local} connection. */
    public static final String LOCAL_DB = "local";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL on a free port with its data in {@code dir}. */
    public static EmbeddedDatabase start(Path dir) throws IOException {
        Files.createDirectories(dir);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                // the library's default is off, for tests; Caravan answers 202 only for a webhook
                // that is on disk, so a commit waits for its WAL flush as PostgreSQL's own default does
                .setServerConfig("synchronous_commit", "on")
                // stopped by the node after its workers (Caravan.close), not by a hook of its own
                // racing them at SIGTERM, which made every worker's last query fail with a trace
                .setRegisterShutdownHook(false)
                .start();
        EmbeddedDatabase db = new EmbeddedDatabase(postgres);
        db.createDatabases(List.of(CARAVAN_DB, LOCAL_DB));
        return db;
    }

    /** The JDBC URL of one of its databases. */
    public String jdbcUrl(String database) {
        return postgres.getJdbcUrl("postgres", database);
    }

    private void createDatabases(List<String> names) throws IOException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                java.sql.PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?");
                Statement s = c.createStatement()) {
            for (String name : names) {
                exists.setString(1, name);
                try (ResultSet rs = exists.executeQuery()) {
                    if (!rs.next()) {
                        // DDL takes no bind parameters; the names are the constants above, never input
                        s.execute("create database " + name);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot create the embedded databases: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
