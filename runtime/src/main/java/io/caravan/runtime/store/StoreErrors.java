package io.caravan.runtime.store;

import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/** Tells a database that is away for a while (restarting, unreachable) from a database that refuses a statement. */
public final class StoreErrors {

    private StoreErrors() {
    }

    /**
     * Whether {@code e} (or one of its causes) says the database could not be reached or the
     * connection broke: the work is not wrong, it may succeed once the database is back.
     */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                    || t instanceof RecoverableDataAccessException || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true; // connection exception class
            }
        }
        return false;
    }
}
