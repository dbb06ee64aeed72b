package io.caravan.runtime.execution;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.checkpoint.CheckpointException;
import io.caravan.connectors.checkpoint.Checkpoints;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.CompiledJob;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.LeaseExpiredException;
import io.caravan.job.params.ParamBinder;
import io.caravan.job.validation.Problems;
import io.caravan.runtime.metrics.ExecutionMeters;
import io.caravan.runtime.store.Claim;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.Lease;
import io.caravan.runtime.store.LeaseLostException;
import io.caravan.runtime.store.ExecutionStore;
import io.caravan.runtime.store.StoreErrors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed execution through its job's route and records how it ended. What this node
 * cannot finish — it is shutting down, lost its lease, or the database or object store went away
 * — it hands over: the execution stays RUNNING and another node (or this one, later) continues
 * it from its last checkpoint. Only the execution's own outcome ends it.
 */
final class ExecutionRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionRunner.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    /** How long an execution waits before it is claimed again when the object store could not be reached. */
    private static final Duration STORE_BACKOFF = Duration.ofSeconds(5);

    private final ExecutionStore store;
    private final Checkpoints checkpoints;
    /** The executions running on this node: a cancel reaches them at once, the heartbeat renews their leases. */
    private final Map<UUID, Running> running;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final ParamBinder binder;
    private final io.caravan.runtime.secrets.SecretStore secrets;
    private final io.caravan.runtime.secrets.SecretParams secretParams;
    private final java.util.function.Supplier<Map<String, Object>> connections;
    private final io.caravan.runtime.logs.ExecutionLogs logs;
    private final ExecutionMeters meters;
    private volatile ExecutionEnded ended = (row, status, context) -> { };
    /** The secrets each loaded version reads; weak keys, so a replaced version's entry goes with it. */
    private final Map<CompiledJob, java.util.Set<String>> secretRefs =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    ExecutionRunner(ExecutionStore store, Checkpoints checkpoints, ProducerTemplate producer, ObjectMapper json,
            Map<UUID, Running> running, io.caravan.runtime.secrets.SecretStore secrets,
            java.util.function.Supplier<Map<String, Object>> connections, io.caravan.runtime.logs.ExecutionLogs logs,
            ExecutionMeters meters) {
        this.logs = logs;
        this.meters = meters;
        this.secrets = secrets;
        this.connections = connections;
        this.store = store;
        this.checkpoints = checkpoints;
        this.running = running;
        this.producer = producer;
        this.json = json;
        this.binder = new ParamBinder(json);
        this.secretParams = secrets.params();
    }

    void setEnded(ExecutionEnded ended) {
        this.ended = ended;
    }

    /** Runs a claimed execution; every write names the claim's lease, so a stale node changes nothing. */
    void run(Claim claim, CompiledJob job, LeaseClock clock) throws Exception {
        // what this thread logs for the execution names it (text and JSON logs alike)
        try (var e = org.slf4j.MDC.putCloseable("execution_id", claim.row().id().toString());
                var j = org.slf4j.MDC.putCloseable("job_id", claim.row().jobId());
                var n = org.slf4j.MDC.putCloseable("node", claim.lease().nodeId())) {
            runWithContext(claim, job, clock);
        }
    }

    private void runWithContext(Claim claim, CompiledJob job, LeaseClock clock) throws Exception {
        if (claim.ranBefore()) { // a first run's start is in its row; a continuation says where and why
            logs.add(claim.row().id(), "INFO", null, "continued on node " + claim.lease().nodeId()
                    + (claim.recovered() ? " after node " + claim.previousNode() + " stopped holding it" : " (retry)"));
        }
        if (claim.recovered()) {
            meters.tookOver(claim.row().jobId());
        } else {
            meters.started(claim.row().jobId());
        }
        try {
            ExecutionContext context = prepare(claim, job, clock);
            if (context != null) {
                execute(claim, job, context, clock);
            }
        } catch (LeaseLostException e) {
            LOG.warn("{}: this node stops working on it", e.getMessage());
        } catch (ObjectStore.ConflictException e) {
            tookOver(claim, e);
        } catch (LeaseExpiredException e) {
            LOG.warn("write refused: {}", e.getMessage());
        } catch (ObjectStore.ObjectStoreException e) {
            LOG.warn("execution {} of job {} waits for the object store ({}); claimed again in {} s", claim.row().id(),
                    claim.row().jobId(), e.getMessage(), STORE_BACKOFF.toSeconds());
            logs.add(claim.row().id(), "WARN", null, "the object store cannot be reached; the execution waits "
                    + STORE_BACKOFF.toSeconds() + " s");
            store.postpone(claim.lease(), STORE_BACKOFF);
        } finally {
            logs.ended(claim.row().id());
        }
    }

    /**
     * The context to run with — fresh, or continued from the checkpoint — or null when the
     * execution ended here. A claim of an execution that ran before closes the step attempts
     * the earlier claim left open and writes the checkpoint at once, so that any node that held
     * the execution earlier can no longer write it.
     */
    private ExecutionContext prepare(Claim claim, CompiledJob job, LeaseClock clock) throws Exception {
        ExecutionRow row = claim.row();
        Lease lease = claim.lease();
        StoreListener listener = new StoreListener(store, lease, job.job().steps(), clock, logs, meters);
        ObjectStore.Versioned saved = claim.ranBefore() ? checkpoints.read(row.jobId(), row.id().toString()) : null;
        ExecutionContext context = saved == null ? start(claim, job, listener) : resume(claim, job, saved, listener);
        if (context == null || !giveSecrets(claim, job, context)) {
            return null;
        }
        context.setClaim(lease.epoch());
        if (!claim.ranBefore()) {
            return context; // a first claim: no other node ever wrote for it
        }
        closeOpenAttempts(claim, context, listener, job.job().steps().size());
        if (claim.recovered() && context.hasFailed()) { // it had failed before its node let go: only the ending was lost
            finish(claim, "FAILED", null, null, null);
            return null;
        }
        listener.checkpointing(context);
        checkpoints.write(context); // over the version just read, or where none exists yet
        return context;
    }

    /** Gives the context the connections' settings and the secrets its job reads; false when one is not set (then the execution FAILED here). */
    private boolean giveSecrets(Claim claim, CompiledJob job, ExecutionContext context) {
        // a job reads its own namespace's connections and secrets, by their names within it
        String namespace = job.job().namespaceOrDefault();
        context.setConnections(io.caravan.job.model.Namespaces.within(connections.get(), namespace));
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) context.data().get("params");
        context.maskAlso(io.caravan.runtime.secrets.SecretParams.values(job.job(), params));
        context.setSecretParams(io.caravan.runtime.secrets.SecretParams.names(job.job()));
        // found once per compiled version, not by serialising the job at every claim
        java.util.Set<String> names = secretRefs.computeIfAbsent(job, j -> io.caravan.runtime.secrets.SecretRefs.of(j.job(), json));
        if (names.isEmpty()) {
            return true;
        }
        Map<String, String> values = io.caravan.job.model.Namespaces.within(secrets.reveal(names.stream()
                .map(name -> io.caravan.job.model.Namespaces.key(namespace, name)).collect(java.util.stream.Collectors.toSet())),
                namespace);
        java.util.Set<String> missing = new java.util.TreeSet<>(names);
        missing.removeAll(values.keySet());
        if (!missing.isEmpty()) {
            finish(claim, "FAILED", "secret", "the job reads secrets that are not set: "
                    + String.join(", ", missing) + " (PUT /api/v1/secrets/{name})", null);
            return false;
        }
        context.setSecrets(values);
        return true;
    }

    /** A fresh context, or null when the run's parameters no longer fit the job (then it FAILED here). */
    private ExecutionContext start(Claim claim, CompiledJob job, StoreListener listener) throws Exception {
        ExecutionRow row = claim.row();
        Map<String, Object> params = params(claim, job);
        if (params == null) {
            return null;
        }
        if (row.jobVersion() == null || row.jobVersion() != job.version()) { // else the row says so since its insert
            store.setVersion(claim.lease(), job.version(), job.job().steps().size());
        }
        return ExecutionContext.start(row.id().toString(), row.jobId(), job.version(),
                json.readValue(row.trigger(), MAP), params, listener);
    }

    /** The context continued from its checkpoint, or null when the execution ended here. */
    private ExecutionContext resume(Claim claim, CompiledJob job, ObjectStore.Versioned saved, StoreListener listener)
            throws Exception {
        ExecutionRow row = claim.row();
        // a retry, or a recovery after its node let go: continue on the version the checkpoint was made with
        if (row.jobVersion() == null || row.jobVersion() != job.version()) {
            finish(claim, "FAILED", "version", "cannot continue: the job changed from version "
                    + row.jobVersion() + " to " + job.version() + " since this execution ran; start a new run", null);
            return null;
        }
        ExecutionContext context = ExecutionContext.resume(json.readValue(saved.data(), MAP), listener);
        context.restoreParams(params(claim, job)); // the checkpoint holds secret ones masked
        context.setCheckpointTag(saved.etag());
        if (claim.recovered()) {
            LOG.info("execution {} of job {} continued from its checkpoint after node {} stopped holding it",
                    row.id(), row.jobId(), claim.previousNode());
        } else {
            LOG.info("execution {} of job {} retried; steps run again: {}", row.id(), row.jobId(),
                    context.reopenFailedSteps());
        }
        return context;
    }

    /**
     * Ends the step attempts an earlier claim began and never recorded the end of: with the
     * outcome the checkpoint holds (its node wrote {@code context.json}, then could not update
     * the row), or as interrupted — the step runs again. Either way a step that runs again
     * continues the numbering of its attempts, so each attempt keeps its own row.
     */
    private void closeOpenAttempts(Claim claim, ExecutionContext context, StoreListener listener, int totalSteps) {
        for (ExecutionStore.Attempt attempt : store.attempts(claim.row().id())) {
            String step = attempt.stepId();
            Map<String, Object> state = context.step(step);
            boolean checkpointed = state != null && context.isFinished(step)
                    && ((Number) state.get("attempts")).intValue() == attempt.attempt();
            if ("RUNNING".equals(attempt.status()) && checkpointed) {
                listener.restored(context, step);
                listener.flush();
            } else if ("RUNNING".equals(attempt.status())) {
                store.stepEnded(claim.lease(), step, attempt.attempt(), "FAILED", "interrupted",
                        "node " + claim.previousNode() + " stopped before this attempt ended; the step runs again",
                        Instant.now(), StoreListener.progress(context, totalSteps));
            }
            if (!context.isFinished(step)) {
                context.countEarlierAttempts(step, attempt.attempt());
            }
        }
    }

    /** The run's parameters, checked again when the job changed since it was queued; null when they no longer fit. */
    private Map<String, Object> params(Claim claim, CompiledJob job) throws Exception {
        ExecutionRow row = claim.row();
        Map<String, Object> params = secretParams.open(job.job(), row.id(), json.readValue(row.params(), MAP));
        if (row.jobVersion() != null && row.jobVersion() == job.version()) {
            return params;
        }
        Problems problems = new Problems();
        params = binder.bind(job.job(), params, problems);
        if (!problems.isEmpty()) {
            finish(claim, "FAILED", "params", "the parameters do not fit version " + job.version() + ": "
                    + problems.list().stream().map(p -> p.path() + " " + p.message()).toList(), null);
            return null;
        }
        return params;
    }

    private void execute(Claim claim, CompiledJob job, ExecutionContext context, LeaseClock clock) {
        ExecutionRow row = claim.row();
        if (job.job().timeout() != null) {
            // the job's timeout bounds each run of the execution (a retry gets the full time again)
            context.setDeadline(Instant.now().plus(Duration.parse(job.job().timeout())));
        }
        Running run = new Running(context, claim.lease(), clock);
        running.put(row.id(), run);
        Exchange done;
        try {
            done = producer.send(job.endpointUri(), e -> e.setProperty(ExecutionContext.PROPERTY, context));
        } finally {
            running.remove(row.id(), run); // not another worker's newer claim of the same execution
        }
        if (done.getException() != null) {
            brokeOff(claim, context, job.job().steps().size(), done.getException());
            return;
        }
        boolean unfinished = !context.allFinished(stepIds(job));
        if (unfinished && context.isHandOverRequested() && !context.isCancelRequested()) {
            handOver(claim, context);
            return;
        }
        String status = context.isCancelRequested() && unfinished ? "CANCELLED"
                : context.isTimedOut() ? "TIMED_OUT"
                : context.hasFailed() ? "FAILED" : context.hasContinuedFailures() ? "PARTIAL_SUCCESS" : "SUCCESS";
        ExecutionStore.StepEnd last = listener(context).takePending(); // written with the ending, one round trip
        if (status.equals("TIMED_OUT")) {
            finish(claim, status, "timeout", "the job's timeout of " + job.job().timeout() + " ran out", last);
        } else {
            finish(claim, status, null, null, last);
        }
        LOG.debug("execution {} of job {} ended {}", row.id(), row.jobId(), status);
        if (!status.equals("SUCCESS")) { // a success is in the row; the log keeps what needs reading
            logs.add(row.id(), "WARN", null, "ended " + status);
        }
        try {
            ended.ended(row, status, context.maskedData());
        } catch (RuntimeException e) { // what follows a run never changes how it ended
            LOG.warn("after execution {} of job {}: {}", row.id(), row.jobId(), e.getMessage());
        }
    }

    /**
     * Ends a claimed execution with a final status (see {@link ExecutionStore#finish(io.caravan.runtime.store.Lease,
     * String, String, String, ExecutionStore.StepEnd)}) and counts the run's end; refused unless the lease still holds.
     */
    void finish(Claim claim, String status, String errorType, String errorMessage, ExecutionStore.StepEnd last) {
        store.finish(claim.lease(), status, errorType, errorMessage, last);
        ExecutionRow row = claim.row();
        meters.finished(row.jobId(), status, row.startedAt() == null ? null : Duration.between(row.startedAt(), Instant.now()));
    }

    /** This node lets go: the steps done are checkpointed, another node continues at once. */
    private void handOver(Claim claim, ExecutionContext context) {
        listener(context).flush();
        store.release(claim.lease());
        LOG.info("execution {} of job {} handed over after step {}", claim.row().id(), claim.row().jobId(),
                context.lastStep());
    }

    /**
     * The route itself broke off. Another node took the execution over, this node lets go of it,
     * or the database went away: the execution is not over — whoever holds it next continues
     * from the checkpoint (the step in flight, whose outcome was not checkpointed, runs again).
     * A user's cancel while the checkpoint could not be written: CANCELLED. Anything else — a
     * listener's bug, an object store that failed for good — FAILED with the reason.
     */
    private void brokeOff(Claim claim, ExecutionContext context, int totalSteps, Exception e) {
        LeaseLostException lost = find(e, LeaseLostException.class);
        if (lost != null) {
            throw lost;
        }
        ObjectStore.ConflictException conflict = find(e, ObjectStore.ConflictException.class);
        if (conflict != null) {
            tookOver(claim, conflict);
            return;
        }
        LeaseExpiredException expired = find(e, LeaseExpiredException.class);
        if (expired != null) {
            LOG.warn("write refused: {}; another node continues execution {}", expired.getMessage(), claim.row().id());
            releaseQuietly(claim);
            return;
        }
        ExecutionRow row = claim.row();
        CheckpointException checkpoint = find(e, CheckpointException.class);
        boolean cancelled = context.isCancelRequested();
        if (!cancelled && (context.isHandOverRequested() || StoreErrors.isUnavailable(e))) {
            LOG.warn("execution {} of job {} stops here and is continued from its checkpoint: {}", row.id(),
                    row.jobId(), message(e));
            releaseQuietly(claim);
            return;
        }
        listener(context).flush(); // a step checkpointed before it broke off keeps its own outcome
        String step = context.lastStep();
        if (checkpoint != null && step != null) {
            Map<String, Object> state = context.step(step);
            store.stepEnded(claim.lease(), step, ((Number) state.get("attempts")).intValue(), "FAILED", "checkpoint",
                    "the context could not be checkpointed: " + message(checkpoint), Instant.now(),
                    StoreListener.progress(context, totalSteps));
        }
        if (cancelled && checkpoint != null) {
            finish(claim, "CANCELLED", null, null, null);
            return;
        }
        LOG.error("execution {} of job {} broke off: {}", row.id(), row.jobId(), e.getMessage(), e);
        finish(claim, "FAILED", checkpoint != null ? "checkpoint" : "execution",
                "the execution broke off: " + message(checkpoint != null ? checkpoint : e), null);
    }

    /** Another node wrote the checkpoint since this one read it: it holds the execution now. */
    private void tookOver(Claim claim, ObjectStore.ConflictException e) {
        LOG.warn("execution {} of job {} was taken over by another node ({}); this node stops working on it",
                claim.row().id(), claim.row().jobId(), e.getMessage());
        releaseQuietly(claim);
    }

    /** Gives the lease up if this node still holds it; when it cannot, the lease simply runs out. */
    private void releaseQuietly(Claim claim) {
        try {
            store.release(claim.lease());
        } catch (LeaseLostException e) {
            LOG.info("write refused: {}", e.getMessage());
        } catch (org.springframework.dao.DataAccessException e) {
            LOG.debug("lease of execution {} not released: {}", claim.row().id(), e.getMessage());
        }
    }

    private static StoreListener listener(ExecutionContext context) {
        return (StoreListener) context.listener(); // set by prepare
    }

    private static List<String> stepIds(CompiledJob job) {
        return job.job().steps().stream().map(io.caravan.job.model.StepSpec::id).toList();
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
