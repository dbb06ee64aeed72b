package io.caravan.job.compiler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.model.StepSpec;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route node of one step: evaluates {@code when}, expands {@code forEach}, renders the
 * config and runs the kind, then records the outcome in the execution's context. It never
 * throws for a failed step: the failure is recorded and the checkpoint after it stops the route.
 * What is not the step's failure — the execution's listener failing when an attempt begins or
 * fails (the runtime's database write) — is not recorded as one: it propagates out of the route
 * as is, and the runtime decides (a database that is away: another node continues later).
 * Stateless across exchanges: all per-execution state lives in the {@link ExecutionContext}.
 */
final class StepProcessor<C> implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(StepProcessor.class);

    private final StepSpec step;
    private final StepKind<C> kind;
    private final ObjectNode config;
    private final Renderer renderer;
    private final ObjectMapper json;
    private final Retries retries;
    private final java.time.Duration timeout;

    StepProcessor(StepSpec step, StepKind<C> kind, Renderer renderer, ObjectMapper json, Retries retries,
            java.time.Duration timeout) {
        this.timeout = timeout;
        this.step = step;
        this.kind = kind;
        this.config = step.config();
        this.renderer = renderer;
        this.json = json;
        this.retries = retries;
    }

    @Override
    public void process(Exchange exchange) {
        org.slf4j.MDC.put(STEP_MDC, step.id()); // what is logged while the step runs names it
        try {
            runStep(exchange);
        } finally {
            org.slf4j.MDC.remove(STEP_MDC);
        }
    }

    /** The MDC key naming the step being run, for log lines (the runtime puts the execution's own). */
    public static final String STEP_MDC = "step_id";

    private void runStep(Exchange exchange) {
        ExecutionContext execution = ExecutionContext.of(exchange);
        String id = step.id();
        if (execution.isFinished(id)) {
            return; // finished before a resume: never run a completed step again
        }
        if (execution.isStopRequested()) {
            exchange.setRouteStop(true); // cancelled or handed over: no further step starts here
            return;
        }
        if (execution.deadlinePassed()) {
            execution.markTimedOut();
            exchange.setRouteStop(true); // the job's timeout: no further step starts
            return;
        }
        // outside the try on purpose: a listener that cannot record the start is the runtime's
        // failure, not the step's, so it leaves the route as the exchange's exception
        if (!execution.begin(id)) {
            exchange.setRouteStop(true); // cancelled on another node, learnt as it was to start
            return;
        }
        try {
            Map<String, Object> scope = execution.scope();
            if (!shouldRun(scope)) {
                execution.skip(id);
                return;
            }
            StepCall call = new Call(exchange.getContext(), SharedProducer.of(exchange.getContext()), execution, id,
                    timeout, deadline(execution));
            execution.succeed(id, step.forEach() == null ? runWithRetries(scope, call) : runEach(scope, call));
        } catch (HandedOver e) {
            // left unfinished and not checkpointed: the node that continues runs the step again
            exchange.setRouteStop(true);
        } catch (ListenerFailed e) {
            throw e.failure();
        } catch (ItemFailed e) {
            fail(execution, e.getCause(), "item [" + e.index + "]: ");
            // the items before it ran, and their side effects happened: keep what they returned
            execution.partialOutput(id, e.outputs);
        } catch (Exception e) {
            fail(execution, e, "");
        }
    }

    /** Records a failure; {@code item} prefixes the message when one forEach item failed. */
    private void fail(ExecutionContext execution, Throwable e, String item) {
        String id = step.id();
        if (execution.deadlinePassed()) {
            execution.markTimedOut(); // failed because the job's time ran out
        }
        if (e instanceof StepException classified) {
            execution.fail(id, classified.type(), item + classified.getMessage(), step.continueOnError());
            return;
        }
        // a kind's bug or an unforeseen failure: worth a stack trace (the rendered config is not logged, it may hold secrets)
        String shown = execution.mask(describe(e));
        if (shown.equals(describe(e))) {
            LOG.warn("step {} of execution {} (job {}) failed with an unclassified {}", id, execution.executionId(),
                    execution.jobId(), e.getClass().getName(), e);
        } else { // its message holds a secret: no stack trace, whose messages cannot be masked
            LOG.warn("step {} of execution {} (job {}) failed with an unclassified {}: {}", id, execution.executionId(),
                    execution.jobId(), e.getClass().getName(), shown);
        }
        execution.fail(id, e.getClass().getSimpleName(), "step '" + id + "': " + item + describe(e),
                step.continueOnError());
    }

    private boolean shouldRun(Map<String, Object> scope) throws StepException {
        if (step.when() == null) {
            return true;
        }
        Object value = renderer.renderText(step.when(), scope, step.id(), "when");
        if (value instanceof Boolean b) {
            return b;
        }
        throw new StepException("expression", "step '" + step.id() + "', field 'when': expected a boolean, got "
                + (value == null ? "null" : "'" + value + "'"), false);
    }

    private List<Object> runEach(Map<String, Object> scope, StepCall call) throws Exception {
        List<?> items = items(scope);
        List<Object> outputs = new ArrayList<>(items.size());
        for (int index = 0; index < items.size(); index++) {
            Map<String, Object> itemScope = new LinkedHashMap<>(scope);
            itemScope.put("item", items.get(index));
            itemScope.put("index", index);
            try {
                outputs.add(runWithRetries(itemScope, call));
            } catch (HandedOver | ListenerFailed e) {
                throw e;
            } catch (Exception e) {
                throw new ItemFailed(index, outputs, e);
            }
        }
        return outputs;
    }

    private List<?> items(Map<String, Object> scope) throws StepException {
        JsonNode forEach = step.forEach();
        Object value = renderer.render(forEach, scope, step.id(), "forEach");
        if (value == null) {
            // running zero times would hide a misspelt path; an absent list must be said so
            throw new StepException("expression", "step '" + step.id() + "', field 'forEach': forEach yielded null;"
                    + " write {{ x ?? [] }} when the list may be absent", false);
        }
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof Collection<?> collection) {
            return List.copyOf(collection);
        }
        if (value.getClass().isArray()) { // a JEXL array literal such as [] or [1, 2]
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(value); i++) {
                list.add(java.lang.reflect.Array.get(value, i));
            }
            return list;
        }
        throw new StepException("expression", "step '" + step.id() + "', field 'forEach': expected a list, got "
                + value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), false);
    }

    /**
     * Runs the kind, and again while {@link Retries} says so: each new try is a new attempt of
     * the step (its own step-run row), after a delay spent on this execution's worker thread.
     * Written here rather than with Camel's redelivery because every attempt is recorded with its
     * error, and the step's outcome — not an exception — is what leaves this node.
     */
    private Object runWithRetries(Map<String, Object> scope, StepCall call) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return runOnce(scope, call);
            } catch (Exception e) {
                StepException classified = e instanceof StepException s ? s : null;
                String type = classified != null ? classified.type() : e.getClass().getSimpleName();
                if (!retries.shouldRetry(attempt, type, classified != null && classified.retryable())) {
                    throw e;
                }
                java.time.Duration wait = retries.delayAfter(attempt, classified == null ? null : classified.retryAfter());
                java.time.Instant deadline = ((Call) call).deadline();
                if (deadline != null && java.time.Instant.now().plus(wait).isAfter(deadline)) {
                    throw e; // the next attempt could not start before the step's time is up
                }
                ExecutionContext execution = call.execution();
                recording(() -> execution.attemptFailed(step.id(), type, describe(e), wait));
                if (!execution.pause(wait)) {
                    if (execution.isHandOverRequested() && !execution.isCancelRequested()) {
                        throw new HandedOver();
                    }
                    throw e; // cancelled while waiting: the failure stands
                }
                if (!recorded(() -> execution.begin(step.id()))) {
                    throw e; // cancelled on another node before the next attempt: the failure stands
                }
            }
        }
    }

    /** Tells the listener; a listener that fails is the runtime's failure, kept apart from the step's. */
    private static void recording(Runnable tell) {
        try {
            tell.run();
        } catch (RuntimeException e) {
            throw new ListenerFailed(e);
        }
    }

    /** As {@link #recording}, for a listener's answer. */
    private static boolean recorded(java.util.function.BooleanSupplier tell) {
        try {
            return tell.getAsBoolean();
        } catch (RuntimeException e) {
            throw new ListenerFailed(e);
        }
    }

    private Object runOnce(Map<String, Object> scope, StepCall call) throws Exception {
        Object rendered;
        if (kind.perRowFields().isEmpty()) {
            rendered = renderer.render(config, scope, step.id(), "");
        } else { // rendered by the kind, once per row: they reach it as written
            ObjectNode now = config.deepCopy();
            now.remove(kind.perRowFields());
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) renderer.render(now, scope, step.id(), "");
            for (String field : kind.perRowFields()) {
                if (config.has(field)) {
                    fields.put(field, json.convertValue(config.get(field), Object.class));
                }
            }
            rendered = fields;
            call = new Rendering(call, scope);
        }
        C typed;
        try {
            typed = json.convertValue(rendered, kind.configType());
        } catch (IllegalArgumentException e) {
            throw new StepException("config", "step '" + step.id() + "': " + describe(e), false, e);
        }
        return kind.run(typed, call);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The node let go of the execution while the step waited to retry: not the step's failure. */
    private static final class HandedOver extends RuntimeException {
        HandedOver() {
            super("handed over while waiting to retry", null, false, false);
        }
    }

    /** The execution's listener failed between two attempts: carried out of the retry loop as itself. */
    private static final class ListenerFailed extends RuntimeException {
        ListenerFailed(RuntimeException failure) {
            super(failure.getMessage(), failure, false, false);
        }

        RuntimeException failure() {
            return (RuntimeException) getCause();
        }
    }

    /** One forEach item failed after the items before it succeeded. */
    private static final class ItemFailed extends Exception {
        private final int index;
        private final List<Object> outputs;

        ItemFailed(int index, List<Object> outputs, Exception cause) {
            super(cause.getMessage(), cause, false, false);
            this.index = index;
            this.outputs = outputs;
        }
    }

    /** The step's deadline: its timeout from now, or the execution's, whichever comes first. */
    private java.time.Instant deadline(ExecutionContext execution) {
        java.time.Instant own = timeout == null ? null : java.time.Instant.now().plus(timeout);
        java.time.Instant job = execution.deadline();
        if (own == null || job != null && job.isBefore(own)) {
            return job;
        }
        return own;
    }

    /** The call of a kind with per-row fields: renders them against this run's scope plus the names given. */
    private final class Rendering implements StepCall {
        private final StepCall call;
        private final Map<String, Object> scope;

        Rendering(StepCall call, Map<String, Object> scope) {
            this.call = call;
            this.scope = scope;
        }

        @Override
        public CamelContext camel() {
            return call.camel();
        }

        @Override
        public ProducerTemplate producer() {
            return call.producer();
        }

        @Override
        public ExecutionContext execution() {
            return call.execution();
        }

        @Override
        public String stepId() {
            return call.stepId();
        }

        @Override
        public java.time.Duration timeout() {
            return call.timeout();
        }

        @Override
        public Object render(Object written, String field, Map<String, Object> names) throws StepException {
            Map<String, Object> all = new java.util.HashMap<>(scope.size() + names.size() + 1);
            all.putAll(scope);
            all.putAll(names);
            return written instanceof String text ? renderer.renderText(text, all, step.id(), field)
                    : renderer.render(json.valueToTree(written), all, step.id(), field);
        }
    }

    /** A step call; {@code deadline} (the step's and the job's time, whichever ends first) bounds its retries. */
    private record Call(CamelContext camel, ProducerTemplate producer, ExecutionContext execution, String stepId,
            java.time.Duration timeout, java.time.Instant deadline) implements StepCall {
    }
}
