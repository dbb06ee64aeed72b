package io.caravan.runtime.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.checkpoint.Checkpoints;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.runtime.execution.ExecutionEnded;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.ExecutionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers of {@code respond: sync} webhooks, given when their executions end: 200 with the
 * named step's output when the execution succeeded, 502 with the error when it did not, 202 with
 * the id when it is still running at the bound. A waiting call is a future the HTTP route
 * completes its exchange with; platform-http-vertx still holds one of the server's worker threads
 * for it (200 of them, see Caravan), so at most {@link #MAX_WAITING} wait at once and one more is
 * answered 202 at once, keeping threads for the API. An execution that ends on this node
 * completes its calls at once, from the context in hand; one that ends on another node is seen by
 * one query every {@value #POLL_MILLIS} ms for all waiting calls.
 */
public final class SyncAnswers implements ExecutionEnded, AutoCloseable {

    /** Calls waiting at once on one node: three quarters of the HTTP server's worker threads. */
    public static final int MAX_WAITING = 150;

    static final long POLL_MILLIS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(SyncAnswers.class);
    private static final Set<String> ENDED = Set.of("SUCCESS", "PARTIAL_SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT");

    private final ExecutionStore executions;
    private final Checkpoints checkpoints;
    private final ObjectMapper json;
    private final Map<UUID, List<Waiter>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-sync-answers");
        t.setDaemon(true);
        return t;
    });

    /** An HTTP status and body. */
    public record Answer(int status, Map<String, Object> body) {
    }

    private record Waiter(String step, long deadline, CompletableFuture<Answer> answer) {
    }

    public SyncAnswers(ExecutionStore executions, ObjectStore objects, ObjectMapper json) {
        this.executions = executions;
        this.checkpoints = new Checkpoints(objects, json);
        this.json = json;
        poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * The answer of a call about an execution that is about to be enqueued under {@code id}:
     * registered first, so that however fast it runs its end finds the call waiting, and the
     * answer comes from the context in hand (no read of the row or the checkpoint). Null when
     * {@link #MAX_WAITING} calls wait already: the caller answers 202 at once.
     */
    CompletableFuture<Answer> expect(UUID id, String step, Duration bound) {
        if (count.incrementAndGet() > MAX_WAITING) {
            count.decrementAndGet();
            return null;
        }
        Waiter waiter = new Waiter(step, System.nanoTime() + bound.toNanos(), new CompletableFuture<>());
        waiting.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(waiter);
        return waiter.answer();
    }

    /** Drops what {@link #expect} registered, when nothing was enqueued under that id after all. */
    void forget(UUID id) {
        List<Waiter> waiters = waiting.remove(id);
        if (waiters != null) {
            count.addAndGet(-waiters.size());
        }
    }

    /** The answer of a call about execution {@code id}, once it has ended or {@code bound} has passed. */
    CompletableFuture<Answer> await(UUID id, String step, Duration bound) {
        if (count.incrementAndGet() > MAX_WAITING) {
            count.decrementAndGet();
            return CompletableFuture.completedFuture(running(id, executions.row(id).orElseThrow()));
        }
        Waiter waiter = new Waiter(step, System.nanoTime() + bound.toNanos(), new CompletableFuture<>());
        waiting.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(waiter);
        ExecutionRow row = executions.row(id).orElseThrow();
        if (ENDED.contains(row.status())) { // it ended before this call was registered
            complete(id, row, null);
        }
        return waiter.answer();
    }

    @Override
    public void ended(ExecutionRow row, String status, Map<String, Object> context) {
        if (!waiting.containsKey(row.id())) {
            return;
        }
        boolean succeeded = status.equals("SUCCESS") || status.equals("PARTIAL_SUCCESS");
        // a success needs nothing more than the context in hand; a failure's error is in the row
        ExecutionRow ended = succeeded ? null : executions.row(row.id()).orElse(null);
        complete(row.id(), ended, context == null ? null : new Ended(status, context));
    }

    private record Ended(String status, Map<String, Object> context) {
    }

    /** Answers every call waiting on an ended execution, from the context given or its checkpoint. */
    private void complete(UUID id, ExecutionRow row, Object given) {
        List<Waiter> waiters = waiting.remove(id);
        if (waiters == null) {
            return;
        }
        count.addAndGet(-waiters.size());
        for (Waiter waiter : waiters) {
            try {
                waiter.answer().complete(answer(id, waiter.step(), row, given instanceof Ended e ? e : null));
            } catch (Exception e) {
                waiter.answer().completeExceptionally(e);
            }
        }
    }

    private void poll() {
        try {
            if (waiting.isEmpty()) {
                return;
            }
            for (UUID id : executions.endedAmong(new ArrayList<>(waiting.keySet()))) {
                complete(id, executions.row(id).orElse(null), null);
            }
            long now = System.nanoTime();
            waiting.forEach((id, waiters) -> waiters.stream().filter(w -> now > w.deadline()).forEach(w -> {
                if (waiters.remove(w)) {
                    count.decrementAndGet();
                    w.answer().complete(running(id, null));
                }
            }));
            waiting.entrySet().removeIf(e -> e.getValue().isEmpty());
        } catch (RuntimeException e) {
            LOG.warn("sync webhook answers: {}", e.getMessage()); // the next poll tries again
        }
    }

    private static Answer running(UUID id, ExecutionRow row) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id.toString());
        body.put("status", row == null ? "RUNNING" : row.status());
        return new Answer(202, body);
    }

    private Answer answer(UUID id, String step, ExecutionRow row, Ended ended) throws Exception {
        String status = ended != null ? ended.status() : row.status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id.toString());
        body.put("status", status);
        JsonNode stepState = state(id, step, row, ended);
        if (stepState != null && !stepState.isMissingNode()) {
            body.put("step", step);
            body.put("output", stepState.path("output"));
            if (stepState.has("error")) {
                body.put("error", stepState.get("error"));
            }
        }
        if (row != null && row.errorMessage() != null) {
            body.put("error", Map.of("type", String.valueOf(row.errorType()), "message", row.errorMessage()));
        }
        boolean ok = status.equals("SUCCESS") || status.equals("PARTIAL_SUCCESS");
        return new Answer(ok ? 200 : 502, body);
    }

    private JsonNode state(UUID id, String step, ExecutionRow row, Ended ended) throws Exception {
        if (ended != null) { // only the step's state is turned into a tree, not the whole context
            Object steps = ended.context().get("steps");
            Object state = steps instanceof Map<?, ?> m ? m.get(step) : null;
            return state == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : json.valueToTree(state);
        }
        ObjectStore.Versioned saved = checkpoints.read(row.jobId(), id.toString());
        return saved == null ? null : json.readTree(saved.data()).path("steps").path(step);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
