package io.caravan.runtime.execution;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.checkpoint.CheckpointException;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.CompiledJob;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.params.ParamBinder;
import io.caravan.job.validation.Problems;
import io.caravan.runtime.store.ExecutionRow;
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
    /** The executions running on this node, so a cancel reaches them at once. */
    private final Map<UUID, ExecutionContext> running;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final ParamBinder binder;

    ExecutionRunner(ExecutionStore store, ObjectStore objects, ProducerTemplate producer, ObjectMapper json,
            Map<UUID, ExecutionContext> running) {
        this.store = store;
        this.running = running;
        this.objects = objects;
        this.producer = producer;
        this.json = json;
        this.binder = new ParamBinder(json);
    }

    void run(ExecutionRow row, CompiledJob job) throws Exception {
        Map<String, Object> params = json.readValue(row.params(), MAP);
        if (row.jobVersion() == null || row.jobVersion() != job.version()) {
            // enqueued against another version (the job changed meanwhile): check them against this one
            Problems problems = new Problems();
            params = binder.bind(job.job(), params, problems);
            if (!problems.isEmpty()) {
                store.finish(row.id(), "FAILED", "params", "the parameters do not fit version " + job.version() + ": "
                        + problems.list().stream().map(p -> p.path() + " " + p.message()).toList());
                return;
            }
        }
        StoreListener listener = new StoreListener(store, row.id(), job.job().steps().size());
        byte[] saved = row.ranBefore() ? objects.get(row.contextPath()) : null;
        ExecutionContext context;
        if (saved != null) {
            // a retry: continue from the checkpoint, on the version it was made with
            if (row.jobVersion() == null || row.jobVersion() != job.version()) {
                store.finish(row.id(), "FAILED", "version", "cannot continue: the job changed from version "
                        + row.jobVersion() + " to " + job.version() + " since this execution ran; start a new run");
                return;
            }
            context = ExecutionContext.resume(json.readValue(saved, MAP), listener);
            LOG.info("execution {} of job {} continues; steps run again: {}", row.id(), row.jobId(),
                    context.reopenFailedSteps());
        } else {
            store.setVersion(row.id(), job.version(), job.job().steps().size());
            context = ExecutionContext.start(row.id().toString(), row.jobId(), job.version(),
                    json.readValue(row.trigger(), MAP), params, listener);
        }
        if (job.job().timeout() != null) {
            // the job's timeout bounds each run of the execution (a retry gets the full time again)
            context.setDeadline(java.time.Instant.now().plus(java.time.Duration.parse(job.job().timeout())));
        }
        running.put(row.id(), context);
        Exchange done;
        try {
            done = producer.send(job.endpointUri(), e -> e.setProperty(ExecutionContext.PROPERTY, context));
        } finally {
            running.remove(row.id());
        }
        if (done.getException() != null) {
            brokeOff(row, context, job.job().steps().size(), done.getException());
            return;
        }
        boolean unfinished = !context.allFinished(stepIds(job));
        String status = context.isCancelRequested() && unfinished ? "CANCELLED"
                : context.isTimedOut() ? "TIMED_OUT"
                : context.hasFailed() ? "FAILED" : context.hasContinuedFailures() ? "PARTIAL_SUCCESS" : "SUCCESS";
        if (status.equals("TIMED_OUT")) {
            store.finish(row.id(), status, "timeout", "the job's timeout of " + job.job().timeout() + " ran out");
            return;
        }
        store.finish(row.id(), status);
        LOG.debug("execution {} of job {} ended {}", row.id(), row.jobId(), status);
    }

    /**
     * The route itself failed: the context could not be checkpointed (the step in flight is then
     * not done, so it is recorded as failed), or something else broke — the store, a listener.
     * Either way the execution is FAILED with the reason.
     */
    private void brokeOff(ExecutionRow row, ExecutionContext context, int totalSteps, Exception e) {
        LOG.error("execution {} of job {} broke off: {}", row.id(), row.jobId(), e.getMessage(), e);
        CheckpointException checkpoint = find(e, CheckpointException.class);
        String step = context.lastStep();
        if (checkpoint != null && step != null) {
            Map<String, Object> state = context.step(step);
            store.stepEnded(row.id(), step, ((Number) state.get("attempts")).intValue(), "FAILED", "checkpoint",
                    "the context could not be checkpointed: " + message(checkpoint), java.time.Instant.now(),
                    StoreListener.progress(context, totalSteps));
        }
        store.finish(row.id(), "FAILED", checkpoint != null ? "checkpoint" : "execution",
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
