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
 * on whichever node it runs — by watching its row — then answers with the named step's output
 * from the checkpoint: 200 when the execution succeeded, 502 with the error when it did not, and
 * 202 with the id when it is still running at the bound.
 */
public final class SyncAnswers {

    private static final Set<String> ENDED = Set.of("SUCCESS", "PARTIAL_SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT");

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

    Answer await(UUID id, String step, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        ExecutionRow row = executions.find(id).orElseThrow();
        while (!ENDED.contains(row.status()) && System.nanoTime() < deadline) {
            Thread.sleep(25);
            row = executions.find(id).orElseThrow();
        }
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
