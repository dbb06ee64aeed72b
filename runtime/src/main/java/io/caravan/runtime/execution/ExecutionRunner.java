package io.caravan.runtime.execution;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.checkpoint.CheckpointException;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.CompiledJob;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.params.ParamBinder;
import io.caravan.job.validation.Problems;
import io.caravan.runtime.store.Claim;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.Lease;
import io.caravan.runtime.store.LeaseLostException;
import io.caravan.runtime.store.ExecutionStore;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one claimed execution through its job's route and records how it ended. */
final class ExecutionRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionRunner.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ExecutionStore store;
    private final ObjectStore objects;
    /** The executions running on this node: a cancel reaches them at once, the heartbeat renews their leases. */
    private final Map<UUID, Running> running;
    /** Executions this node gives up because it is shutting down. */
    private final java.util.function.Predicate<UUID> suspended;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final ParamBinder binder;

    ExecutionRunner(ExecutionStore store, ObjectStore objects, ProducerTemplate producer, ObjectMapper json,
            Map<UUID, Running> running, java.util.function.Predicate<UUID> suspended) {
        this.store = store;
        this.suspended = suspended;
        this.running = running;
        this.objects = objects;
        this.producer = producer;
        this.json = json;
        this.binder = new ParamBinder(json);
    }

    /** Runs a claimed execution; every write names the claim's lease, so a stale node changes nothing. */
    void run(Claim claim, CompiledJob job) throws Exception {
        try {
            ExecutionContext context = prepare(claim, job);
            if (context != null) {
                execute(claim, job, context);
            }
        } catch (LeaseLostException e) {
            LOG.warn("{}: this node stops working on it", e.getMessage());
        }
    }

    /** The context to run with — fresh, or continued from the checkpoint — or null when the execution ended here. */
    private ExecutionContext prepare(Claim claim, CompiledJob job) throws Exception {
        ExecutionRow row = claim.row();
        Lease lease = claim.lease();
        StoreListener listener = new StoreListener(store, lease, job.job().steps().size());
        byte[] saved = claim.ranBefore() ? objects.get(row.contextPath()) : null;
        if (saved == null) {
            Map<String, Object> params = params(claim, job);
            if (params == null) {
                return null;
            }
            store.setVersion(lease, job.version(), job.job().steps().size());
            return ExecutionContext.start(row.id().toString(), row.jobId(), job.version(),
                    json.readValue(row.trigger(), MAP), params, listener);
        }
        // a retry, or a recovery after its node died: continue on the version the checkpoint was made with
        if (row.jobVersion() == null || row.jobVersion() != job.version()) {
            store.finish(lease, "FAILED", "version", "cannot continue: the job changed from version "
                    + row.jobVersion() + " to " + job.version() + " since this execution ran; start a new run");
            return null;
        }
        ExecutionContext context = ExecutionContext.resume(json.readValue(saved, MAP), listener);
        if (claim.recovered()) {
            LOG.info("execution {} of job {} recovered from its checkpoint after node {} stopped holding it",
                    row.id(), row.jobId(), row.nodeId());
            if (context.hasFailed()) { // it had failed before its node died: only the ending was lost
                store.finish(lease, "FAILED");
                return null;
            }
        } else {
            LOG.info("execution {} of job {} retried; steps run again: {}", row.id(), row.jobId(),
                    context.reopenFailedSteps());
        }
        return context;
    }

    /** The run's parameters, checked again when the job changed since it was queued; null when they no longer fit. */
    private Map<String, Object> params(Claim claim, CompiledJob job) throws Exception {
        ExecutionRow row = claim.row();
        Map<String, Object> params = json.readValue(row.params(), MAP);
        if (row.jobVersion() != null && row.jobVersion() == job.version()) {
            return params;
        }
        Problems problems = new Problems();
        params = binder.bind(job.job(), params, problems);
        if (!problems.isEmpty()) {
            store.finish(claim.lease(), "FAILED", "params", "the parameters do not fit version " + job.version() + ": "
                    + problems.list().stream().map(p -> p.path() + " " + p.message()).toList());
            return null;
        }
        return params;
    }

    private void execute(Claim claim, CompiledJob job, ExecutionContext context) {
        ExecutionRow row = claim.row();
        if (job.job().timeout() != null) {
            // the job's timeout bounds each run of the execution (a retry gets the full time again)
            context.setDeadline(java.time.Instant.now().plus(java.time.Duration.parse(job.job().timeout())));
        }
        running.put(row.id(), new Running(context, claim.lease()));
        Exchange done;
        try {
            done = producer.send(job.endpointUri(), e -> e.setProperty(ExecutionContext.PROPERTY, context));
        } finally {
            running.remove(row.id());
        }
        if (done.getException() != null) {
            brokeOff(claim, context, job.job().steps().size(), done.getException());
            return;
        }
        boolean unfinished = !context.allFinished(stepIds(job));
        if (unfinished && suspended.test(row.id())) {
            // this node is shutting down: the steps done are checkpointed, another node continues
            store.release(claim.lease());
            LOG.info("execution {} of job {} handed over at shutdown after step {}", row.id(), row.jobId(),
                    context.lastStep());
            return;
        }
        String status = context.isCancelRequested() && unfinished ? "CANCELLED"
                : context.isTimedOut() ? "TIMED_OUT"
                : context.hasFailed() ? "FAILED" : context.hasContinuedFailures() ? "PARTIAL_SUCCESS" : "SUCCESS";
        if (status.equals("TIMED_OUT")) {
            store.finish(claim.lease(), status, "timeout", "the job's timeout of " + job.job().timeout() + " ran out");
        } else {
            store.finish(claim.lease(), status);
        }
        LOG.debug("execution {} of job {} ended {}", row.id(), row.jobId(), status);
    }

    /**
     * The route itself failed: the context could not be checkpointed (the step in flight is then
     * not done, so it is recorded as failed), or something else broke — the store, a listener.
     * Either way the execution is FAILED with the reason — unless another node holds it now.
     */
    private void brokeOff(Claim claim, ExecutionContext context, int totalSteps, Exception e) {
        LeaseLostException lost = find(e, LeaseLostException.class);
        if (lost != null) {
            throw lost;
        }
        ExecutionRow row = claim.row();
        LOG.error("execution {} of job {} broke off: {}", row.id(), row.jobId(), e.getMessage(), e);
        CheckpointException checkpoint = find(e, CheckpointException.class);
        String step = context.lastStep();
        if (checkpoint != null && step != null) {
            Map<String, Object> state = context.step(step);
            store.stepEnded(claim.lease(), step, ((Number) state.get("attempts")).intValue(), "FAILED", "checkpoint",
                    "the context could not be checkpointed: " + message(checkpoint), java.time.Instant.now(),
                    StoreListener.progress(context, totalSteps));
        }
        store.finish(claim.lease(), "FAILED", checkpoint != null ? "checkpoint" : "execution",
                "the execution broke off: " + message(checkpoint != null ? checkpoint : e));
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
