package io.caravan.runtime.nodes;

import io.caravan.runtime.store.Database;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * This node's row in {@code nodes}: written at start, touched every {@link #INTERVAL} with how
 * many of its workers are busy, marked stopped at a clean shutdown. A node whose beat is older
 * than {@link #EXPIRY} is taken as gone.
 */
public final class NodeHeartbeat implements AutoCloseable {

    /** How often a node beats. */
    public static final Duration INTERVAL = Duration.ofSeconds(3);
    /** How long without a beat before a node counts as gone. */
    public static final Duration EXPIRY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);

    private final JdbcTemplate jdbc;
    private final String nodeId;
    /** This node's workers, once they exist: how many, and how many are busy now. */
    private volatile int workers;
    private volatile java.util.function.IntSupplier busy;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public NodeHeartbeat(Database db, String nodeId, String version) {
        this.jdbc = db.jdbc();
        this.nodeId = nodeId;
        jdbc.update("insert into nodes (id, version, started_at, last_heartbeat) values (?, ?, now(), now())"
                + " on conflict (id) do update set version = excluded.version, started_at = now(),"
                + " last_heartbeat = now(), stopped_at = null, workers = null, workers_busy = null", nodeId, version);
        timer.scheduleWithFixedDelay(this::beat, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** From now on each beat records how many workers this node has and how many {@code busy} says are busy. */
    public void reportWorkers(int workers, java.util.function.IntSupplier busy) {
        this.workers = workers;
        this.busy = busy;
    }

    private void beat() {
        try {
            java.util.function.IntSupplier busyNow = busy;
            if (busyNow == null) { // the workers are not built yet
                jdbc.update("update nodes set last_heartbeat = now() where id = ?", nodeId);
            } else {
                jdbc.update("update nodes set last_heartbeat = now(), workers = ?, workers_busy = ? where id = ?",
                        workers, busyNow.getAsInt(), nodeId);
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat of node {} failed: {}", nodeId, e.getMessage());
        }
    }

    /** Every node known, most recently started first, with whether it is alive. */
    public static List<Map<String, Object>> list(Database db) {
        return db.jdbc().query("select id, version, started_at, last_heartbeat, stopped_at from nodes"
                + " order by started_at desc", (rs, n) -> {
                    Instant beat = rs.getTimestamp("last_heartbeat").toInstant();
                    Timestamp stopped = rs.getTimestamp("stopped_at");
                    boolean alive = stopped == null && beat.isAfter(Instant.now().minus(EXPIRY));
                    Map<String, Object> node = new java.util.LinkedHashMap<>();
                    node.put("id", rs.getString("id"));
                    node.put("version", rs.getString("version"));
                    node.put("started_at", rs.getTimestamp("started_at").toInstant().toString());
                    node.put("last_heartbeat", beat.toString());
                    node.put("stopped_at", stopped == null ? null : stopped.toInstant().toString());
                    node.put("alive", alive);
                    return node;
                });
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            jdbc.update("update nodes set stopped_at = now(), workers_busy = 0 where id = ?", nodeId);
        } catch (RuntimeException e) {
            LOG.warn("node {} could not record its stop: {}", nodeId, e.getMessage());
        }
    }
}
