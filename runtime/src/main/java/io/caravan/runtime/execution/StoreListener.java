package io.caravan.runtime.execution;

import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.ExecutionListener;
import io.caravan.job.execution.LeaseExpiredException;
import io.caravan.job.model.StepSpec;
import io.caravan.runtime.metrics.ExecutionMeters;
import io.caravan.runtime.store.ExecutionStore;
import io.caravan.runtime.store.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mirrors an execution's steps into its row and step-run rows: one round trip per step, the
 * end of each step written with the start of the next (or with the end of the execution). Each
 * attempt that ends here is timed by its step's kind.
 */
final class StoreListener implements ExecutionListener {

    private final ExecutionStore store;
    private final Lease lease;
    private final int totalSteps;
    private final LeaseClock clock;
    private final io.caravan.runtime.logs.ExecutionLogs logs;
    private final ExecutionMeters meters;
    /** Each step's kind, by step id. */
    private final Map<String, String> kinds = new HashMap<>();
    /** Only the execution's own thread calls a listener: no synchronisation. */
    private ExecutionStore.StepEnd pending;

    StoreListener(ExecutionStore store, Lease lease, List<StepSpec> steps, LeaseClock clock,
            io.caravan.runtime.logs.ExecutionLogs logs, ExecutionMeters meters) {
        this.store = store;
        this.lease = lease;
        this.totalSteps = steps.size();
        this.clock = clock;
        this.logs = logs;
        this.meters = meters;
        steps.forEach(step -> kinds.put(step.id(), step.type()));
    }

    /** The database refuses a stale node's rows by the lease epoch; S3 cannot, so this node stops itself first. */
    @Override
    public void checkpointing(ExecutionContext execution) {
        if (!clock.held()) {
            throw new LeaseExpiredException("lease " + lease.epoch() + " of node " + lease.nodeId() + " on execution "
                    + lease.executionId() + " ran out before it was renewed; its checkpoint is not written");
        }
    }

    @Override
    public boolean stepStarted(ExecutionContext execution, String stepId) {
        Map<String, Object> step = execution.step(stepId);
        ExecutionStore.StepEnd before = pending;
        pending = null;
        boolean started = store.stepStarted(lease, stepId, attempt(step), Instant.parse((String) step.get("started_at")),
                before);
        if (!started) { // asked on another node: learnt with this write, at no extra round trip
            execution.requestCancel();
        }
        return started;
    }

    /**
     * The step's end is in the checkpoint; its row learns it with the next write for the
     * execution, one round trip for both. Should this node stop first, the node that continues
     * writes it from the checkpoint ({@code ExecutionRunner.closeOpenAttempts}).
     */
    @Override
    public void stepCheckpointed(ExecutionContext execution, String stepId) {
        restored(execution, stepId);
        timed(execution.step(stepId), stepId, pending.status(), pending.at());
    }

    /**
     * As {@link #stepCheckpointed}, for a step whose end an earlier claim checkpointed and did not
     * write to its row: written (and logged) now, not timed again (the node that ran it timed it).
     */
    void restored(ExecutionContext execution, String stepId) {
        Map<String, Object> step = execution.step(stepId);
        Map<?, ?> error = (Map<?, ?>) step.get("error");
        pending = new ExecutionStore.StepEnd(stepId, attempt(step), (String) step.get("status"),
                error == null ? null : (String) error.get("type"), error == null ? null : (String) error.get("message"),
                Instant.parse((String) step.get("completed_at")), progress(execution, totalSteps));
        logEnd(execution, stepId, step, error);
    }

    /**
     * A step that failed is logged with its error; one that succeeded or was skipped is not: its
     * start, end and duration are in its step run already, and a line per step would cost every
     * execution a write it does not need.
     */
    private void logEnd(ExecutionContext execution, String stepId, Map<String, Object> step, Map<?, ?> error) {
        if (error != null) {
            logs.add(lease.executionId(), "ERROR", stepId, "step " + stepId + " " + step.get("status") + ": "
                    + error.get("type") + ": " + execution.mask(String.valueOf(error.get("message"))));
        }
    }

    @Override
    public void log(ExecutionContext execution, String stepId, String level, String message) {
        logs.add(lease.executionId(), level, stepId, message);
    }

    /** The end of the last step checkpointed and not yet written, taken over by the caller (who writes it); or null. */
    ExecutionStore.StepEnd takePending() {
        ExecutionStore.StepEnd end = pending;
        pending = null;
        return end;
    }

    /** Writes the end of the last step checkpointed, if it is not written yet. */
    void flush() {
        ExecutionStore.StepEnd end = takePending();
        if (end != null) {
            store.stepEnded(lease, end.stepId(), end.attempt(), end.status(), end.errorType(), end.errorMessage(),
                    end.at(), end.progress());
        }
    }

    @Override
    public void attemptFailed(ExecutionContext execution, String stepId, String type, String message) {
        Map<String, Object> step = execution.step(stepId);
        Instant now = Instant.now();
        store.stepEnded(lease, stepId, attempt(step), "FAILED", type, message, now, progress(execution, totalSteps));
        timed(step, stepId, "FAILED", now);
        logs.add(lease.executionId(), "WARN", stepId, "step " + stepId + " attempt " + attempt(step) + " failed: " + type
                + ": " + execution.mask(message) + "; it is tried again");
    }

    private void timed(Map<String, Object> step, String stepId, String status, Instant end) {
        Object started = step.get("started_at");
        String kind = kinds.get(stepId);
        if (started != null && kind != null) {
            meters.stepEnded(kind, status, Duration.between(Instant.parse((String) started), end));
        }
    }

    /** The share of steps that have ended, 0–100. */
    static int progress(ExecutionContext execution, int totalSteps) {
        Map<?, ?> steps = (Map<?, ?>) execution.data().get("steps");
        long ended = steps.values().stream().filter(s -> !"RUNNING".equals(((Map<?, ?>) s).get("status"))).count();
        return totalSteps == 0 ? 100 : (int) Math.min(100, ended * 100 / totalSteps);
    }

    private static int attempt(Map<String, Object> step) {
        return ((Number) step.get("attempts")).intValue();
    }
}
