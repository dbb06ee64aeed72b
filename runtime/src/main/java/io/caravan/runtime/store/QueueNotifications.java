package io.caravan.runtime.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL's channel {@code caravan_queue}, which the {@code executions_claimable}
 * trigger notifies whenever an execution becomes claimable on any node (migration V12), and calls
 * {@code onWork} for each notification that arrives. It holds one connection of its own, outside
 * the pool, for as long as the node runs; when the connection breaks (a database restart) it
 * connects again every second, and the workers' own poll finds the work meanwhile.
 */
public final class QueueNotifications implements AutoCloseable {

    /** The channel the trigger notifies. */
    public static final String CHANNEL = "caravan_queue";
    private static final Logger LOG = LoggerFactory.getLogger(QueueNotifications.class);
    /** How long one wait for notifications blocks; bounds how long close() waits for the thread. */
    private static final int WAIT_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 1000;

    private final Database db;
    private final Runnable onWork;
    private final Thread thread;
    private volatile boolean running = true;

    private QueueNotifications(Database db, Runnable onWork) {
        this.db = db;
        this.onWork = onWork;
        this.thread = new Thread(this::loop, "caravan-queue-listener");
        thread.setDaemon(true);
    }

    /** Starts listening; {@code onWork} runs on the listener's thread, so it must not block. */
    public static QueueNotifications listen(Database db, Runnable onWork) {
        QueueNotifications listener = new QueueNotifications(db, onWork);
        listener.thread.start();
        return listener;
    }

    private void loop() {
        boolean warned = false;
        while (running) {
            try (Connection connection = db.connect()) {
                try (Statement s = connection.createStatement()) {
                    s.execute("listen " + CHANNEL); // a constant: LISTEN takes no bind parameter
                }
                if (warned) {
                    LOG.info("listening for queued executions again");
                    warned = false;
                }
                onWork.run(); // whatever was queued while this node was not listening
                receive(connection.unwrap(PGConnection.class));
            } catch (SQLException e) {
                if (running && !warned) {
                    LOG.warn("not listening for queued executions ({}); the workers poll meanwhile", e.getMessage());
                    warned = true;
                }
                pause();
            }
        }
    }

    private void receive(PGConnection connection) throws SQLException {
        while (running) {
            PGNotification[] arrived = connection.getNotifications(WAIT_MILLIS);
            if (arrived != null && arrived.length > 0) {
                onWork.run();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2 * RECONNECT_MILLIS);
    }
}
