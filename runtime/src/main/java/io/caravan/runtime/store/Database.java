package io.caravan.runtime.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Caravan's PostgreSQL: a connection pool whose schema Flyway has brought up to date, used
 * through Spring's JdbcTemplate (on the class path already through camel-sql): every value is a
 * bind parameter.
 */
public final class Database implements AutoCloseable {

    /** The newest migration under {@code db/migration}, SQL or Java ({@code DatabaseSchemaTest} checks it). */
    static final int SCHEMA_VERSION = 16;
    /** How many migrations there are (there is no V2 in SQL: it is the Java one that makes Quartz's tables). */
    static final int MIGRATIONS = 16;

    private final HikariDataSource dataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /**
     * Connects and migrates; {@code applicationName} names this node's sessions in PostgreSQL
     * ({@code pg_stat_activity}), so an operator can tell the nodes' connections apart.
     */
    public static Database open(String url, String user, String password, int poolSize, String applicationName) {
        HikariDataSource ds = pool("caravan-store", url, user, password, poolSize, applicationName);
        try {
            if (!schemaCurrent(ds)) {
                Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            }
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds);
    }

    /**
     * Whether exactly this build's migrations are applied, all with success: as many as
     * {@link #MIGRATIONS}, the newest {@link #SCHEMA_VERSION}. Then a restart skips Flyway, which
     * takes about a second of a 2-core node's start in class loading and scanning. Anything else
     * (a new database, a failed, missing or newer migration) goes through Flyway, which migrates
     * or says what is wrong. What the skip gives up is Flyway's checksum check of migrations
     * edited after they were applied: released migrations are never edited.
     */
    static boolean schemaCurrent(javax.sql.DataSource ds) {
        try (java.sql.Connection c = ds.getConnection(); java.sql.PreparedStatement s = c.prepareStatement(
                "select count(*) = ? and bool_and(success) and max(version::int) = ? from flyway_schema_history"
                + " where version is not null")) {
            s.setInt(1, MIGRATIONS);
            s.setInt(2, SCHEMA_VERSION);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (java.sql.SQLException e) {
            return false; // no history table yet, or a version that is not a number: Flyway decides
        }
    }

    /** A connection pool. */
    public static HikariDataSource pool(String name, String url, String user, String password, int size) {
        return pool(name, url, user, password, size, null);
    }

    /**
     * A pool for jobs' sql steps. On PostgreSQL their text parameters go untyped
     * ({@code stringtype=unspecified}, unless the URL says otherwise): the server converts them to
     * the type the statement needs, so a CSV's {@code "3"} loads into an integer column as it does
     * in psql, instead of failing with "column is of type integer but expression is of type
     * character varying".
     */
    public static HikariDataSource stepPool(String name, String url, String user, String password, int size) {
        HikariConfig config = config(name, url, user, password, size);
        if (url != null && url.startsWith("jdbc:postgresql:")) {
            config.addDataSourceProperty("stringtype", "unspecified"); // a stringtype in the URL wins
        }
        return new HikariDataSource(config);
    }

    private static HikariDataSource pool(String name, String url, String user, String password, int size,
            String applicationName) {
        HikariConfig config = config(name, url, user, password, size);
        if (applicationName != null) {
            config.addDataSourceProperty("ApplicationName", applicationName);
        }
        return new HikariDataSource(config);
    }

    private static HikariConfig config(String name, String url, String user, String password, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setConnectionTimeout(10_000); // a database that is not there fails a start in seconds, not 30 s
        return config;
    }

    /** The pool itself, for libraries that keep their own tables (bucket4j). */
    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /**
     * A connection of its own, outside the pool, with the pool's settings: for a session that
     * stays open for as long as the node runs ({@code LISTEN}), which would otherwise hold one of
     * the pool's connections for good. The caller closes it.
     */
    public java.sql.Connection connect() throws java.sql.SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(dataSource.getDataSourceProperties());
        if (dataSource.getUsername() != null) {
            properties.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        return java.sql.DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
    }

    /** Statements in autocommit mode. */
    public JdbcTemplate jdbc() {
        return jdbc;
    }

    /** Work inside one transaction: committed when it returns, rolled back when it throws. */
    public <T> T transaction(Supplier<T> work) {
        return transactions.execute(status -> work.get());
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
