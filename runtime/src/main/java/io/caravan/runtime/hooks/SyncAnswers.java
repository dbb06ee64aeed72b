package io.caravan.runtime.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.checkpoint.Checkpoints;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.ExecutionStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The answer of a {@code respond: sync} webhook: waits (up to a bound) for its execution to end,
 * then answers with the named step's output from the checkpoint: 200 when the execution
 * succeeded, 502 with the error when it did not, and 202 with the id when it is still running at
 * the bound. An execution that ends on this node wakes its caller at once; one that runs on
 * another node is seen by watching its row. Each waiting call holds one of the HTTP server's
 * worker threads, so at most {@link #MAX_WAITING} wait at once: a call beyond that is answered
 * 202 at once, like one that outlived the bound, and the API stays responsive.
 */
public final class SyncAnswers implements io.caravan.runtime.execution.ExecutionEnded {

    /** Calls waiting at once on one node: well under Vert.x's 20 worker threads. */
    public static final int MAX_WAITING = 12;

    private static final Set<String> ENDED = Set.of("SUCCESS", "PARTIAL_SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT");
    private static final long POLL_MILLIS = 200;

    private final java.util.concurrent.Semaphore waiting = new java.util.concurrent.Semaphore(MAX_WAITING);
    private final Map<UUID, java.util.concurrent.CountDownLatch> endings = new java.util.concurrent.ConcurrentHashMap<>();

    private final ExecutionStore executions;
    private final Checkpoints checkpoints;
    private final ObjectMapper json;

    public SyncAnswers(ExecutionStore executions, ObjectStore objects, ObjectMapper json) {
        this.executions = executions;
        this.checkpoints = new Checkpoints(objects, json);
        this.json = json;
    }

    /** An HTTP status and body. */
    public record Answer(int status, Map<String, Object> body) {
    }

    @Override
    public void ended(ExecutionRow row, String status) {
        java.util.concurrent.CountDownLatch latch = endings.get(row.id());
        if (latch != null) {
            latch.countDown();
        }
    }

    Answer await(UUID id, String step, Duration bound) throws Exception {
        if (!waiting.tryAcquire()) {
            return answer(id, step, executions.find(id).orElseThrow());
        }
        // two calls of one delivery (a repeat) wait on the same latch
        java.util.concurrent.CountDownLatch latch = endings.computeIfAbsent(id, k -> new java.util.concurrent.CountDownLatch(1));
        try {
            long deadline = System.nanoTime() + bound.toNanos();
            ExecutionRow row = executions.find(id).orElseThrow();
            while (!ENDED.contains(row.status()) && System.nanoTime() < deadline) {
                latch.await(Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
                row = executions.find(id).orElseThrow();
            }
            return answer(id, step, row);
        } finally {
            endings.remove(id, latch);
            waiting.release();
        }
    }

    private Answer answer(UUID id, String step, ExecutionRow row) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id.toString());
        body.put("status", row.status());
        if (!ENDED.contains(row.status())) {
            return new Answer(202, body);
        }
        ObjectStore.Versioned saved = checkpoints.read(row.jobId(), id.toString());
        JsonNode stepState = saved == null ? null : json.readTree(saved.data()).path("steps").path(step);
        if (stepState != null && !stepState.isMissingNode()) {
            body.put("step", step);
            body.put("output", stepState.path("output"));
            if (stepState.has("error")) {
                body.put("error", stepState.get("error"));
            }
        }
        if (row.errorMessage() != null) {
            body.put("error", Map.of("type", String.valueOf(row.errorType()), "message", row.errorMessage()));
        }
        boolean ok = row.status().equals("SUCCESS") || row.status().equals("PARTIAL_SUCCESS");
        return new Answer(ok ? 200 : 502, body);
    }
}
