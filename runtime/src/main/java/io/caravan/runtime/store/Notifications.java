package io.caravan.runtime.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL channels that triggers notify on any node: {@value #QUEUE}, whenever an
 * execution becomes claimable (migration V12), and {@value #EVENTS}, whenever an execution's status
 * changes (V15, with the change as JSON). It holds one connection of its own, outside the pool,
 * for as long as the node runs; when the connection breaks (a database restart) it connects again
 * every second, and tells each channel's listener it is listening again (what was missed meanwhile
 * is for the listener to look up: the workers poll the queue anyway).
 */
public final class Notifications implements AutoCloseable {

    /** Notified when an execution becomes claimable; empty payload. */
    public static final String QUEUE = "caravan_queue";
    /** Notified when an execution's status changes; the payload is {id, job_id, status, node_id, at}. */
    public static final String EVENTS = "caravan_events";
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    /** How long one wait for notifications blocks; bounds how long close() waits for the thread. */
    private static final int WAIT_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 1000;

    private final Database db;
    private final java.util.Map<String, Channel> channels;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * What to do with one channel's notifications; both run on the listener's thread, so they
     * must not block.
     *
     * @param onPayload called with each notification's payload
     * @param onListening called each time the node (again) listens, for what was missed before
     */
    public record Channel(java.util.function.Consumer<String> onPayload, Runnable onListening) {
    }

    private Notifications(Database db, java.util.Map<String, Channel> channels) {
        this.db = db;
        this.channels = java.util.Map.copyOf(channels);
        this.thread = new Thread(this::loop, "caravan-notifications");
        thread.setDaemon(true);
    }

    /** Starts listening on the channels given, by name. */
    public static Notifications listen(Database db, java.util.Map<String, Channel> channels) {
        Notifications listener = new Notifications(db, channels);
        listener.thread.start();
        return listener;
    }

    private void loop() {
        boolean warned = false;
        while (running) {
            try (Connection connection = db.connect()) {
                try (Statement s = connection.createStatement()) {
                    for (String channel : channels.keySet()) {
                        s.execute("listen " + channel); // our constants: LISTEN takes no bind parameter
                    }
                }
                if (warned) {
                    LOG.info("listening for queued executions and status changes again");
                    warned = false;
                }
                channels.values().forEach(c -> c.onListening().run());
                receive(connection.unwrap(PGConnection.class));
            } catch (SQLException e) {
                if (running && !warned) {
                    LOG.warn("not listening for queued executions and status changes ({}); the workers poll"
                            + " meanwhile", e.getMessage());
                    warned = true;
                }
                pause();
            }
        }
    }

    private void receive(PGConnection connection) throws SQLException {
        while (running) {
            PGNotification[] arrived = connection.getNotifications(WAIT_MILLIS);
            if (arrived == null) {
                continue;
            }
            for (PGNotification n : arrived) {
                Channel channel = channels.get(n.getName());
                if (channel != null) {
                    try {
                        channel.onPayload().accept(n.getParameter());
                    } catch (RuntimeException e) { // one listener's bug does not stop the others
                        LOG.warn("a notification on {} was not handled: {}", n.getName(), e.getMessage());
                    }
                }
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
