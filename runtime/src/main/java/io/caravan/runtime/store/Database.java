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
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds);
    }

    /** A connection pool. */
    public static HikariDataSource pool(String name, String url, String user, String password, int size) {
        return pool(name, url, user, password, size, null);
    }

    private static HikariDataSource pool(String name, String url, String user, String password, int size,
            String applicationName) {
        HikariConfig config = new HikariConfig();
        if (applicationName != null) {
            config.addDataSourceProperty("ApplicationName", applicationName);
        }
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setConnectionTimeout(10_000); // a database that is not there fails a start in seconds, not 30 s
        return new HikariDataSource(config);
    }

    /** The pool itself, for libraries that keep their own tables (bucket4j). */
    public javax.sql.DataSource dataSource() {
        return dataSource;
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
