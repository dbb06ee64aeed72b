package io.caravan.runtime.logs;

import io.caravan.runtime.store.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-execution log (table {@code execution_logs}): what an execution's steps log and what went
 * wrong or out of the ordinary (retries, failures, continuations), already masked of secrets by
 * the context. Lines are buffered and written in one
 * statement every {@value #FLUSH_MILLIS} ms, apart from the execution's own statements, so that
 * logging adds no round trip to a step; the lines of the last moments of a node that is killed
 * may be lost (its checkpoints are not). A run keeps at most {@value #MAX_LINES} lines on a node
 * (then one line says that more were dropped), each at most {@value #MAX_CHARS} characters.
 */
public final class ExecutionLogs implements AutoCloseable {

    static final int MAX_LINES = 5_000;
    static final int MAX_CHARS = 4_096;
    private static final long FLUSH_MILLIS = 200;
    private static final int BATCH = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionLogs.class);

    private final Database db;
    private final Queue<Line> pending = new ConcurrentLinkedQueue<>();
    private final Map<UUID, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-log-writer");
        t.setDaemon(true);
        return t;
    });

    /** One line of an execution's log; {@code id} orders the lines and is null until written. */
    public record Line(Long id, UUID executionId, Instant at, String level, String stepId, String message) {
    }

    public ExecutionLogs(Database db) {
        this.db = db;
        flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Adds a line to an execution's log (written within {@value #FLUSH_MILLIS} ms). */
    public void add(UUID executionId, String level, String stepId, String message) {
        int n = counts.computeIfAbsent(executionId, id -> new AtomicInteger()).incrementAndGet();
        if (n > MAX_LINES + 1) {
            return;
        }
        String text = n == MAX_LINES + 1 ? "more than " + MAX_LINES + " lines: the rest of this run is not kept"
                : message.length() > MAX_CHARS ? message.substring(0, MAX_CHARS) + "… (cut)" : message;
        pending.add(new Line(null, executionId, Instant.now(), level, stepId, text.replace('\0', ' ')));
    }

    /** The run of an execution on this node is over: its count is forgotten, its lines written soon. */
    public void ended(UUID executionId) {
        counts.remove(executionId);
    }

    /** Lines of an execution after {@code afterId} (0 for the first), oldest first. */
    public List<Line> read(UUID executionId, long afterId, int limit) {
        return db.jdbc().query("select id, at, level, step_id, message from execution_logs where execution_id = ?"
                + " and id > ? order by id limit ?", (rs, n) -> new Line(rs.getLong(1), executionId,
                        rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5)),
                executionId, afterId, limit);
    }

    /** Writes what is buffered now. */
    public void flush() {
        List<Line> batch = new ArrayList<>();
        for (Line line = pending.poll(); line != null; line = pending.poll()) {
            batch.add(line);
            if (batch.size() == BATCH) {
                write(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<Line> batch) {
        db.jdbc().update("insert into execution_logs (execution_id, at, level, step_id, message)"
                + " select * from unnest(?::uuid[], ?::timestamptz[], ?::text[], ?::text[], ?::text[])",
                batch.stream().map(Line::executionId).toArray(UUID[]::new),
                batch.stream().map(l -> l.at().toString()).toArray(String[]::new), // ISO-8601, cast by the server
                batch.stream().map(Line::level).toArray(String[]::new),
                batch.stream().map(Line::stepId).toArray(String[]::new),
                batch.stream().map(Line::message).toArray(String[]::new));
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) { // the database is away: these lines are lost, the execution is not
            LOG.warn("execution log lines not written: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }
}
