package io.caravan.job.execution;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The context of one execution (DESIGN §3): what expressions read and what is checkpointed as
 * {@code context.json}. It travels on the exchange as a property. Owned by the one thread that
 * runs the execution, so it is not synchronised.
 */
public final class ExecutionContext {

    /** The exchange property that carries the context through a job's route. */
    public static final String PROPERTY = "caravan.execution";

    private final Map<String, Object> data;
    private final ExecutionListener listener;
    private String lastStep;
    /** Counted down when the execution must stop here: cancelled, or handed over to another node. */
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean cancelRequested;
    private volatile boolean handOverRequested;
    private Instant deadline;
    private boolean timedOut;
    private String checkpointTag;
    /** The secrets the job refers to, by name: read by expressions, never part of {@link #data()}. */
    private Map<String, Object> secrets = Map.of();
    /** The non-secret settings of the connections, by name, or null when none were given. */
    private Map<String, Object> connections;
    /** Texts replaced by {@link #MASK} wherever the execution's data or errors leave this process. */
    private List<String> masked = List.of();
    private Set<String> secretParams = Set.of();
    /** Attempts of unfinished steps that earlier claims began but the checkpoint does not hold. */
    private final Map<String, Integer> earlierAttempts = new java.util.HashMap<>();

    private ExecutionContext(Map<String, Object> data, ExecutionListener listener) {
        this.data = data;
        this.listener = listener;
    }

    /** A new context for an execution that has not run any step. */
    public static ExecutionContext start(String executionId, String jobId, int jobVersion,
            Map<String, Object> trigger, Map<String, Object> params, ExecutionListener listener) {
        Map<String, Object> execution = new LinkedHashMap<>();
        execution.put("id", executionId);
        execution.put("job_id", jobId);
        execution.put("job_version", jobVersion);
        // a webhook's request is the trigger's data but has its own section (DESIGN §3)
        Map<String, Object> triggerData = trigger == null ? Map.of("type", "manual") : new LinkedHashMap<>(trigger);
        Object webhook = triggerData.containsKey("webhook") ? triggerData.remove("webhook") : null;
        Object files = triggerData.containsKey("files") ? triggerData.remove("files") : null; // a file drop's
        execution.put("trigger", triggerData);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("execution", execution);
        data.put("params", params == null ? new LinkedHashMap<>() : new LinkedHashMap<>(params));
        data.put("variables", new LinkedHashMap<>());
        data.put("steps", new LinkedHashMap<>());
        data.put("files", files instanceof java.util.List<?> list ? new java.util.ArrayList<>(list) : new java.util.ArrayList<>());
        if (webhook != null) {
            data.put("webhook", webhook);
        }
        return new ExecutionContext(data, listener);
    }

    /** A context read back from a checkpoint, to continue where it stopped. */
    public static ExecutionContext resume(Map<String, Object> checkpoint, ExecutionListener listener) {
        return new ExecutionContext(new LinkedHashMap<>(checkpoint), listener);
    }

    /**
     * Makes the steps that ended the execution by failing runnable again, for a retry: they are
     * not finished any more and their next {@link #begin} is a new attempt. Steps that completed
     * (or failed under {@code continueOnError}) stay done and are not run again.
     *
     * @return the ids of the reopened steps
     */
    public List<String> reopenFailedSteps() {
        List<String> reopened = new java.util.ArrayList<>();
        steps().forEach((id, state) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> step = (Map<String, Object>) state;
            if (StepStatus.FAILED.name().equals(step.get("status")) && !Boolean.TRUE.equals(step.get("continued"))) {
                step.put("status", StepStatus.RUNNING.name());
                reopened.add(id);
            }
        });
        return reopened;
    }

    /** The context carried by an exchange. */
    public static ExecutionContext of(Exchange exchange) {
        ExecutionContext context = exchange.getProperty(PROPERTY, ExecutionContext.class);
        if (context == null) {
            throw new IllegalStateException("exchange " + exchange.getExchangeId() + " carries no execution");
        }
        return context;
    }

    /** The whole context as JSON-ready maps and lists; the same object, not a copy. */
    public Map<String, Object> data() {
        return data;
    }

    public ExecutionListener listener() {
        return listener;
    }

    public String executionId() {
        return (String) execution().get("id");
    }

    public String jobId() {
        return (String) execution().get("job_id");
    }

    /** The values expressions read: the context's sections, with {@code trigger} at the top too. */
    public Map<String, Object> scope() {
        Map<String, Object> scope = new LinkedHashMap<>(data);
        scope.put("trigger", execution().get("trigger"));
        scope.putIfAbsent("webhook", Map.of());
        if (!secrets.isEmpty()) {
            scope.put("secrets", secrets);
        }
        if (connections != null) {
            scope.put("connections", connections);
        }
        return scope;
    }

    /** Gives expressions the connections' non-secret settings: {@code connections.<name>.<field>}. */
    public void setConnections(Map<String, Object> settings) {
        this.connections = settings;
    }

    /** What a secret's value is replaced with. */
    public static final String MASK = "***";

    /**
     * Gives the execution the values of the secrets its job refers to ({@code {{ secrets.x }}}).
     * They are read by expressions only: never stored in the context, and masked in everything
     * that leaves — the checkpoint, error messages, log lines ({@link #mask}). Values shorter
     * than 4 characters are not masked (they would mask ordinary text).
     */
    public void setSecrets(Map<String, String> values) {
        this.secrets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        mask(values.values());
    }

    /**
     * Masks these values too, like the secrets' (the values of parameters declared secret):
     * in the checkpoint, error messages and log lines.
     */
    public void maskAlso(java.util.Collection<String> values) {
        mask(values);
    }

    /**
     * Names the parameters declared secret: in the checkpoint their values are masked whatever
     * their length (elsewhere a value shorter than 4 characters is not, as it would mask ordinary text).
     */
    public void setSecretParams(Set<String> names) {
        this.secretParams = Set.copyOf(names);
    }

    private void mask(java.util.Collection<String> values) {
        List<String> texts = new java.util.ArrayList<>(masked);
        for (String value : values) {
            if (value != null && value.length() >= 4) {
                texts.add(value);
                String escaped = new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(value));
                if (!escaped.equals(value)) {
                    texts.add(escaped); // as it appears inside JSON text
                }
            }
        }
        texts.sort(java.util.Comparator.comparingInt(String::length).reversed()); // longer first: no partial leftovers
        this.masked = texts.stream().distinct().toList();
    }

    /**
     * Puts back the run's parameters as given, over those of a checkpoint — in which secret ones
     * were masked — when the execution continues from it.
     */
    public void restoreParams(Map<String, Object> params) {
        data.put("params", new LinkedHashMap<>(params));
    }

    /**
     * The context as it may leave this process (its checkpoint): a copy in which secret values
     * inside string values are masked — the data steps produced ({@code variables}, step
     * outputs and errors, {@code params}, {@code webhook}, {@code files}), never keys or the
     * bookkeeping (statuses, times, ids), which a short secret must not corrupt.
     */
    public Map<String, Object> maskedData() {
        if (masked.isEmpty() && secretParams.isEmpty()) {
            return data;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        data.forEach((key, value) -> out.put(key, switch (key) {
            case "execution" -> value;
            case "steps" -> maskedSteps(value);
            case "params" -> maskedParams(value);
            default -> maskedValue(value);
        }));
        return out;
    }

    private Object maskedParams(Object params) {
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) params).forEach((name, value) -> out.put((String) name,
                secretParams.contains(name) && value != null ? MASK : maskedValue(value)));
        return out;
    }

    private Object maskedSteps(Object steps) {
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) steps).forEach((id, state) -> {
            Map<String, Object> step = new LinkedHashMap<>();
            ((Map<?, ?>) state).forEach((k, v) -> step.put((String) k,
                    Set.of("output", "error", "partial_output").contains((String) k) ? maskedValue(v) : v));
            out.put((String) id, step);
        });
        return out;
    }

    private Object maskedValue(Object value) {
        if (value instanceof String text) {
            return mask(text);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, maskedValue(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new java.util.ArrayList<>(list.size());
            list.forEach(v -> out.add(maskedValue(v)));
            return out;
        }
        return value;
    }

    /**
     * Adds a line to this execution's own log (what {@code GET /executions/{id}/logs} shows),
     * masked of the execution's secrets.
     *
     * @param stepId the step that logs it, or null for the execution itself
     * @param level INFO, WARN, ERROR and the like
     */
    public void log(String stepId, String level, String message) {
        listener.log(this, stepId, level, mask(message));
    }

    /** The text with every secret value of this execution replaced by {@link #MASK}. */
    public String mask(String text) {
        if (text == null || masked.isEmpty()) {
            return text;
        }
        String out = text;
        for (String value : masked) {
            out = out.replace(value, MASK);
        }
        return out;
    }

    /** The state of a step, or null when it has not started. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> step(String stepId) {
        return (Map<String, Object>) steps().get(stepId);
    }

    /** The status of a step, or null when it has not started. */
    public StepStatus status(String stepId) {
        Map<String, Object> step = step(stepId);
        return step == null ? null : StepStatus.valueOf((String) step.get("status"));
    }

    /** Whether a step has ended in an earlier run of this execution (so it is not run again). */
    public boolean isFinished(String stepId) {
        StepStatus status = status(stepId);
        return status != null && status.isFinal();
    }

    /**
     * Marks a step as running: a new attempt.
     *
     * @return false when the listener refused it (the execution was cancelled): nothing changed
     */
    public boolean begin(String stepId) {
        Map<String, Object> previous = step(stepId);
        int before = previous == null ? 0 : ((Number) previous.getOrDefault("attempts", 0)).intValue();
        int attempts = Math.max(before, earlierAttempts.getOrDefault(stepId, 0)) + 1;
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("status", StepStatus.RUNNING.name());
        step.put("attempts", attempts);
        step.put("started_at", Instant.now().toString());
        steps().put(stepId, step);
        String lastBefore = lastStep;
        lastStep = stepId;
        if (listener.stepStarted(this, stepId)) {
            return true;
        }
        if (previous == null) {
            steps().remove(stepId);
        } else {
            steps().put(stepId, previous);
        }
        lastStep = lastBefore;
        return false;
    }

    /**
     * Records that an earlier claim of this execution began {@code attempts} attempts of a step
     * whose outcome never reached the checkpoint (its node died or let go mid-step): the next
     * {@link #begin} is the attempt after those, so each attempt keeps its own number.
     */
    public void countEarlierAttempts(String stepId, int attempts) {
        earlierAttempts.merge(stepId, attempts, Math::max);
    }

    /** Records a step's success and its output. */
    public void succeed(String stepId, Object output) {
        Map<String, Object> step = end(stepId, StepStatus.SUCCESS);
        step.put("output", output);
    }

    /**
     * Records that an attempt of a step failed and another follows after {@code wait}; the
     * next {@link #begin} starts it.
     */
    public void attemptFailed(String stepId, String type, String message, java.time.Duration wait) {
        Map<String, Object> step = step(stepId);
        String shown = mask(message);
        step.put("error", Map.of("type", type, "message", shown));
        step.put("retry_in_ms", wait.toMillis());
        listener.attemptFailed(this, stepId, type, shown);
    }

    /** Records that a step's {@code when} was false: no output. */
    public void skip(String stepId) {
        end(stepId, StepStatus.SKIPPED);
    }

    /** Records a step's failure, which ends the execution. */
    public void fail(String stepId, String type, String message) {
        fail(stepId, type, message, false);
    }

    /**
     * Records a step's failure.
     *
     * @param continued whether the step has {@code continueOnError}: the execution goes on and
     *     ends PARTIAL_SUCCESS instead of FAILED
     */
    public void fail(String stepId, String type, String message, boolean continued) {
        Map<String, Object> step = end(stepId, StepStatus.FAILED);
        step.put("error", Map.of("type", type, "message", mask(message)));
        if (continued) {
            step.put("continued", true);
        }
    }

    /**
     * Records, on a failed forEach step, the outputs of the items that succeeded before the one
     * that failed, as {@code partial_output}: their side effects happened.
     */
    public void partialOutput(String stepId, List<Object> outputs) {
        Map<String, Object> step = step(stepId);
        if (step != null) {
            step.put("partial_output", outputs);
        }
    }

    private Map<String, Object> end(String stepId, StepStatus status) {
        Map<String, Object> step = step(stepId);
        if (step == null) {
            begin(stepId);
            step = step(stepId);
        }
        step.put("status", status.name());
        step.put("completed_at", Instant.now().toString());
        return step;
    }

    /** Sets {@code variables.<name>}. */
    @SuppressWarnings("unchecked")
    public void setVariable(String name, Object value) {
        ((Map<String, Object>) data.get("variables")).put(name, value);
    }

    /**
     * Records a file the execution produced in {@code files} (DESIGN §3); a file at the same
     * path — the step ran again — replaces the one recorded before.
     */
    @SuppressWarnings("unchecked")
    public void addFile(Map<String, Object> file) {
        List<Object> files = (List<Object>) data.computeIfAbsent("files", k -> new java.util.ArrayList<>());
        files.removeIf(f -> f instanceof Map<?, ?> m && java.util.Objects.equals(m.get("path"), file.get("path")));
        files.add(file);
    }

    /**
     * Asks the execution to stop for good (a user's cancel): no further step starts and a retry
     * wait ends; the step that is running finishes (its I/O is not cut off). Safe to call from
     * any thread.
     */
    public void requestCancel() {
        cancelRequested = true;
        stopped.countDown();
    }

    /** Whether the execution was cancelled. */
    public boolean isCancelRequested() {
        return cancelRequested;
    }

    /**
     * Asks this node to let go of the execution (it is shutting down, or lost its lease): like a
     * cancel, no further step starts here and a retry wait ends — but the execution is not over:
     * another node continues it from its last checkpoint. A step waiting to retry is left
     * unfinished, so the node that continues runs it again. Safe to call from any thread.
     */
    public void requestHandOver() {
        handOverRequested = true;
        stopped.countDown();
    }

    /** Whether this node was asked to let go of the execution. */
    public boolean isHandOverRequested() {
        return handOverRequested;
    }

    /** Whether the execution must stop on this node, cancelled or handed over. */
    public boolean isStopRequested() {
        return stopped.getCount() == 0;
    }

    /**
     * Waits up to {@code wait} (before a retry), returning early when the execution must stop.
     *
     * @return true when the wait ran out, false when stopped or the thread was interrupted
     */
    public boolean pause(java.time.Duration wait) {
        try {
            return !stopped.await(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Records which claim of the execution this run is ({@code execution.claim}: 1 for the first
     * node to take it up, one more for each node that continued it since — after a crash, a
     * hand-over or a retry). Each claim's checkpoints therefore differ from the last claim's.
     */
    public void setClaim(int claim) {
        execution().put("claim", claim);
    }

    /**
     * The version (ETag) of {@code context.json} this run last read or wrote, or null before
     * the first; a checkpoint is written only over that version, so a node that lost the
     * execution cannot overwrite the checkpoints of the node that took it over.
     */
    public String checkpointTag() {
        return checkpointTag;
    }

    /** Records the version of {@code context.json} just read or written. */
    public void setCheckpointTag(String tag) {
        this.checkpointTag = tag;
    }

    /** Sets when the whole execution must be over (the job's {@code timeout}); null for never. */
    public void setDeadline(Instant deadline) {
        this.deadline = deadline;
    }

    /** When the whole execution must be over, or null. */
    public Instant deadline() {
        return deadline;
    }

    /** Whether the execution's deadline has passed. */
    public boolean deadlinePassed() {
        return deadline != null && Instant.now().isAfter(deadline);
    }

    /** Records that the execution ran out of time: no further step starts. */
    public void markTimedOut() {
        timedOut = true;
    }

    /** Whether the execution ran out of time. */
    public boolean isTimedOut() {
        return timedOut;
    }

    /** Whether every step of a job with these step ids has ended. */
    public boolean allFinished(java.util.Collection<String> stepIds) {
        return stepIds.stream().allMatch(this::isFinished);
    }

    /** The step that ran last on this thread, for the checkpoint. */
    public String lastStep() {
        return lastStep;
    }

    /** Whether a step has failed without {@code continueOnError}; the execution stops there. */
    public boolean hasFailed() {
        return steps().values().stream().map(s -> (Map<?, ?>) s)
                .anyMatch(s -> StepStatus.FAILED.name().equals(s.get("status")) && !Boolean.TRUE.equals(s.get("continued")));
    }

    /** Whether a step with {@code continueOnError} has failed: the execution is a partial success. */
    public boolean hasContinuedFailures() {
        return steps().values().stream().map(s -> (Map<?, ?>) s)
                .anyMatch(s -> StepStatus.FAILED.name().equals(s.get("status")) && Boolean.TRUE.equals(s.get("continued")));
    }

    /** The ids of steps that have failed, in the order they ran. */
    public List<String> failedSteps() {
        return steps().entrySet().stream()
                .filter(e -> StepStatus.FAILED.name().equals(((Map<?, ?>) e.getValue()).get("status")))
                .map(Map.Entry::getKey).toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> execution() {
        return (Map<String, Object>) data.get("execution");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> steps() {
        return (Map<String, Object>) data.get("steps");
    }
}
