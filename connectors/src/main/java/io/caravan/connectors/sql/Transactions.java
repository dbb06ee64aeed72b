package io.caravan.connectors.sql;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One unit of work on one connection of a pool, committed whole or rolled back. Written out
 * rather than left to Spring's TransactionTemplate because of what a database restart does: the
 * statement fails with the server's reason (57P01, a connection error the step retries), then
 * the rollback fails on the dead connection with a bare "Connection is closed" — which Spring
 * throws instead of the first. Here the first failure is the one thrown, the rollback's rides
 * along as suppressed.
 */
final class Transactions {

    /** Work done on the transaction's connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transactions() {
    }

    static <T> T run(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                try {
                    connection.setAutoCommit(autoCommit);
                } catch (SQLException ignored) { // a dead connection: the pool drops it
                }
            }
        }
    }
}
