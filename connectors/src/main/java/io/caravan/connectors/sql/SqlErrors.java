package io.caravan.connectors.sql;

import io.caravan.job.step.StepException;
import java.sql.SQLException;

/**
 * Classifies SQL failures by SQLSTATE class: connection trouble (08), transaction rollbacks such
 * as deadlocks and serialization failures (40), insufficient resources (53) and operator
 * intervention (57) may succeed when tried again; syntax, constraint and data errors will not.
 */
final class SqlErrors {

    private SqlErrors() {
    }

    static StepException classify(Exception e) {
        SQLException sql = find(e);
        if (sql == null) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new StepException("sql.error", String.valueOf(root.getMessage()), false, e);
        }
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        String clazz = state.length() >= 2 ? state.substring(0, 2) : "";
        String type = switch (clazz) {
            case "08" -> "sql.connection";
            case "22" -> "sql.data";
            case "23" -> "sql.constraint";
            case "42" -> "sql.syntax";
            case "40" -> "sql.rollback";
            case "53", "57" -> "sql.unavailable";
            default -> "sql.error";
        };
        boolean retryable = switch (clazz) {
            case "08", "40", "53", "57" -> true;
            default -> false;
        };
        String message = sql.getMessage() + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
        return new StepException(type, message, retryable, e);
    }

    private static SQLException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }
}
