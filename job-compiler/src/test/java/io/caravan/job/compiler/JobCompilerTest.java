package io.caravan.job.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.ExecutionListener;
import io.caravan.job.execution.StepStatus;
import io.caravan.job.expression.Expressions;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.step.StepKinds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Compiles jobs into a real CamelContext and runs executions through them. */
class JobCompilerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every step run, in order, as {@code <step>:<value>}. */
    private final List<String> ran = new CopyOnWriteArrayList<>();

    /** The step each checkpoint saw ({@link ExecutionContext#lastStep()}). */
    private final List<String> checkpoints = new CopyOnWriteArrayList<>();

    /** The steps the listener was told have started. */
    private final List<String> started = new CopyOnWriteArrayList<>();

    record EchoConfig(Object value) {
    }

    record FailConfig(String reason) {
    }

    /** Returns {@code {value: <rendered value>}}. */
    final class EchoKind implements StepKind<EchoConfig> {
        @Override
        public String type() {
            return "echo";
        }

        @Override
        public Class<EchoConfig> configType() {
            return EchoConfig.class;
        }

        @Override
        public String description() {
            return "Returns its value.";
        }

        @Override
        public Object run(EchoConfig config, StepCall call) {
            ran.add(call.stepId() + ":" + config.value());
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("value", config.value());
            return output;
        }
    }

    /**
     * Fails with a classified error, or an unclassified one when the reason is "crash"; a reason
     * starting with "pass" succeeds with {@code {reason}}.
     */
    final class FailKind implements StepKind<FailConfig> {
        @Override
        public String type() {
            return "fail";
        }

        @Override
        public Class<FailConfig> configType() {
            return FailConfig.class;
        }

        @Override
        public String description() {
            return "Fails.";
        }

        @Override
        public Object run(FailConfig config, StepCall call) throws Exception {
            ran.add(call.stepId() + ":" + config.reason());
            if (config.reason().startsWith("pass")) {
                return Map.of("reason", config.reason());
            }
            if ("crash".equals(config.reason())) {
                throw new IllegalStateException("kaboom");
            }
            if (config.reason().startsWith("flaky:")) { // retryable for the first N calls of the step
                int failures = Integer.parseInt(config.reason().substring(6));
                if (calls.merge(call.stepId(), 1, Integer::sum) <= failures) {
                    throw new StepException("test.flaky", "flaky, call " + calls.get(call.stepId()), true);
                }
                return Map.of("calls", calls.get(call.stepId()));
            }
            if ("busy".equals(config.reason()) && calls.merge(call.stepId(), 1, Integer::sum) == 1) {
                throw new StepException("test.busy", "busy", true, null, java.time.Duration.ofMillis(200));
            }
            if ("busy".equals(config.reason())) {
                return Map.of("calls", calls.get(call.stepId()));
            }
            throw new StepException("test.refused", "refused: " + config.reason(), false);
        }
    }

    /** Calls per step, for kinds that fail a number of times. */
    private final Map<String, Integer> calls = new java.util.concurrent.ConcurrentHashMap<>();
    /** The failed attempts the listener was told of, as "step:type". */
    private final List<String> failedAttempts = new CopyOnWriteArrayList<>();

    private final ExecutionListener listener = new ExecutionListener() {
        @Override
        public void stepStarted(ExecutionContext execution, String stepId) {
            started.add(stepId);
        }

        @Override
        public void attemptFailed(ExecutionContext execution, String stepId, String type, String message) {
            failedAttempts.add(stepId + ":" + type);
        }

        @Override
        public void stepCheckpointed(ExecutionContext execution, String stepId) {
        }
    };

    private DefaultCamelContext camel;
    private JobCompiler compiler;

    @BeforeEach
    void startCamel() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(JobCompiler.CHECKPOINT_URI).routeId("test.checkpoint").process(exchange -> {
                    ExecutionContext execution = ExecutionContext.of(exchange);
                    checkpoints.add(String.valueOf(execution.lastStep()));
                    if (execution.hasFailed()) {
                        exchange.setRouteStop(true);
                    }
                });
            }
        });
        camel.start();
        compiler = new JobCompiler(new StepKinds(List.of(new EchoKind(), new FailKind())), new Expressions(), JSON);
    }

    @AfterEach
    void stopCamel() {
        camel.stop();
    }

    private CompiledJob deploy(String document) throws Exception {
        CompiledJob compiled = compiler.compile(JSON.readValue(document, JobDefinition.class), 3);
        camel.addRoutes(compiled.routes());
        return compiled;
    }

    private ExecutionContext run(CompiledJob job, Map<String, Object> params) {
        return run(job, ExecutionContext.start("exec-1", job.job().id(), job.version(), null, params, listener));
    }

    private ExecutionContext run(CompiledJob job, ExecutionContext execution) {
        camel.createProducerTemplate().send(job.endpointUri(),
                exchange -> exchange.setProperty(ExecutionContext.PROPERTY, execution));
        return execution;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> output(ExecutionContext execution, String stepId) {
        return (Map<String, Object>) execution.step(stepId).get("output");
    }

    // --- the route ----------------------------------------------------------------------------

    @Test
    void compilesOneRouteWithANodePerStepAndItsCheckpoint() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "name": "Orders", "steps": [
              {"id": "fetch", "type": "echo", "value": 1},
              {"id": "save", "type": "echo", "value": 2}]}""");

        assertThat(job.routeId()).isEqualTo("job.orders");
        assertThat(job.endpointUri()).isEqualTo("direct:job.orders");
        assertThat(camel.getRoute("job.orders")).isNotNull();
        assertThat(camel.getRoute("job.orders").getGroup()).isEqualTo(JobCompiler.ROUTE_GROUP);

        RouteDefinition route = camel.getRouteDefinition("job.orders");
        assertThat(route.getOutputs()).extracting(ProcessorDefinition::getId).containsExactly(
                "orders.fetch", "orders.fetch.checkpoint", "orders.save", "orders.save.checkpoint");
        assertThat(route.getDescriptionText()).isEqualTo("Orders (version 3)");
    }

    @Test
    void refusesAStepOfUnknownKind() {
        assertThatThrownBy(() -> compiler.compile(JSON.readValue(
                "{\"id\": \"j\", \"steps\": [{\"id\": \"x\", \"type\": \"teleport\"}]}", JobDefinition.class), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("step 'x' has unknown type 'teleport'");
    }

    // --- running --------------------------------------------------------------------------------

    @Test
    void recordsEachStepOutputInTheContextAndLaterStepsReadIt() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "params": {"limit": {"type": "integer"}}, "steps": [
              {"id": "first", "type": "echo", "value": {"n": "{{ params.limit }}", "ids": [1, 2]}},
              {"id": "second", "type": "echo", "value": "{{ steps.first.output.value.n + 1 }}"},
              {"id": "third", "type": "echo", "value": "got {{ steps.first.output.value.ids }}"}]}""");

        ExecutionContext execution = run(job, Map.of("limit", 41));

        assertThat(output(execution, "first")).isEqualTo(Map.of("value", Map.of("n", 41, "ids", List.of(1, 2))));
        assertThat(output(execution, "second")).isEqualTo(Map.of("value", 42));
        assertThat(output(execution, "third")).isEqualTo(Map.of("value", "got [1,2]"));
        for (String step : List.of("first", "second", "third")) {
            assertThat(execution.status(step)).isEqualTo(StepStatus.SUCCESS);
            assertThat(execution.step(step)).containsEntry("attempts", 1).containsKeys("started_at", "completed_at");
        }
        assertThat(checkpoints).containsExactly("first", "second", "third");
        assertThat(started).containsExactly("first", "second", "third");
    }

    @Test
    void stepWhoseWhenIsFalseIsSkippedWithoutOutput() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "params": {"send": {"type": "boolean"}}, "steps": [
              {"id": "maybe", "type": "echo", "when": "{{ params.send }}", "value": "sent"},
              {"id": "always", "type": "echo", "when": "{{ !params.send }}", "value": "{{ steps.maybe.status }}"}]}""");

        ExecutionContext execution = run(job, Map.of("send", false));

        assertThat(execution.status("maybe")).isEqualTo(StepStatus.SKIPPED);
        assertThat(execution.step("maybe")).doesNotContainKey("output").doesNotContainKey("error");
        assertThat(output(execution, "always")).isEqualTo(Map.of("value", "SKIPPED"));
        assertThat(ran).containsExactly("always:SKIPPED");
        assertThat(checkpoints).containsExactly("maybe", "always");
    }

    @Test
    void forEachRunsOncePerItemWithItemAndIndex() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "params": {"rows": {"type": "array"}}, "steps": [
              {"id": "each", "type": "echo", "forEach": "{{ params.rows }}", "value": "{{ index }}:{{ item.id }}"},
              {"id": "literal", "type": "echo", "forEach": [1, 2, 3], "value": "{{ item * 10 }}"},
              {"id": "none", "type": "echo", "forEach": "{{ params.nothing ?? [] }}", "value": "x"}]}""");

        ExecutionContext execution = run(job, Map.of("rows", List.of(Map.of("id", "a"), Map.of("id", "b"))));

        assertThat(execution.step("each").get("output")).isEqualTo(List.of(Map.of("value", "0:a"), Map.of("value", "1:b")));
        assertThat(execution.step("literal").get("output"))
                .isEqualTo(List.of(Map.of("value", 10), Map.of("value", 20), Map.of("value", 30)));
        assertThat(execution.step("none").get("output")).isEqualTo(List.of());
        assertThat(execution.status("none")).isEqualTo(StepStatus.SUCCESS);
        assertThat(execution.scope()).doesNotContainKeys("item", "index");
    }

    @Test
    void forEachThatYieldsNullFailsInsteadOfRunningZeroTimes() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [
              {"id": "each", "type": "echo", "forEach": "{{ params.misspelt }}", "value": "x"},
              {"id": "after", "type": "echo", "value": 2}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("each")).isEqualTo(StepStatus.FAILED);
        assertThat(execution.step("each").get("error")).isEqualTo(Map.of("type", "expression",
                "message", "step 'each', field 'forEach': forEach yielded null; write {{ x ?? [] }} when the list"
                        + " may be absent"));
        assertThat(execution.step("after")).isNull();
        assertThat(ran).isEmpty();
    }

    @Test
    void forEachItemFailureNamesTheItemAndKeepsTheOutputsOfTheItemsBefore() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [
              {"id": "each", "type": "fail", "forEach": [1, 2, 3, 4],
               "reason": "{{ item < 3 ? 'pass ' + item : 'no disk' }}"}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("each")).isEqualTo(StepStatus.FAILED);
        assertThat(execution.step("each").get("error"))
                .isEqualTo(Map.of("type", "test.refused", "message", "item [2]: refused: no disk"));
        assertThat(execution.step("each").get("partial_output"))
                .isEqualTo(List.of(Map.of("reason", "pass 1"), Map.of("reason", "pass 2")));
        assertThat(execution.step("each")).doesNotContainKey("output");
        assertThat(ran).containsExactly("each:pass 1", "each:pass 2", "each:no disk");
    }

    @Test
    void forEachItemWithAnUnclassifiedOrExpressionFailureNamesTheItem() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [
              {"id": "crash", "type": "fail", "forEach": ["pass", "crash"], "reason": "{{ item }}",
               "continueOnError": true},
              {"id": "bad", "type": "echo", "forEach": [{"n": 1}, {}], "value": "{{ item.n + 1 }}"}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.step("crash").get("error"))
                .isEqualTo(Map.of("type", "IllegalStateException", "message", "step 'crash': item [1]: kaboom"));
        assertThat(execution.step("crash").get("partial_output")).isEqualTo(List.of(Map.of("reason", "pass")));
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) execution.step("bad").get("error");
        assertThat((String) error.get("message")).startsWith("item [1]: step 'bad', field 'value': expression 'item.n + 1'");
        assertThat(execution.step("bad").get("partial_output")).isEqualTo(List.of(Map.of("value", 2)));
    }

    @Test
    void secretsAreNotAvailableYetSoTheStepFailsInsteadOfSendingAnEmptyValue() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [
              {"id": "call", "type": "echo", "value": {"auth": {"bearer": "{{ secrets.api_token }}"}}}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("call")).isEqualTo(StepStatus.FAILED);
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) execution.step("call").get("error");
        assertThat(error).containsEntry("type", "expression");
        assertThat((String) error.get("message"))
                .startsWith("step 'call', field 'value.auth.bearer': expression 'secrets.api_token': ")
                .contains("not available yet");
        assertThat(ran).isEmpty();
    }

    @Test
    void renderedTextOverOneMebibyteFailsTheStepNamingTheField() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "params": {"big": {"type": "string"}}, "steps": [
              {"id": "join", "type": "echo", "value": {"text": "{{ params.big }},{{ params.big }}"}}]}""");

        ExecutionContext execution = run(job, Map.of("big", "x".repeat(700_000)));

        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) execution.step("join").get("error");
        assertThat((String) error.get("message")).startsWith("step 'join', field 'value.text': expression 'params.big'")
                .contains("longer than 1048576 characters");
        assertThat(ran).isEmpty();
    }

    @Test
    void listenerFailureWhenAStepBeginsLeavesTheRouteAsItIsAndIsNotTheStepsFailure() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [{"id": "first", "type": "echo", "value": 1}]}""");
        IllegalStateException databaseDown = new IllegalStateException("database down");
        ExecutionListener failing = new ExecutionListener() {
            @Override
            public void stepStarted(ExecutionContext execution, String stepId) {
                throw databaseDown;
            }

            @Override
            public void stepCheckpointed(ExecutionContext execution, String stepId) {
            }
        };
        ExecutionContext execution = ExecutionContext.start("exec-1", "orders", 3, null, Map.of(), failing);

        Exchange result = camel.createProducerTemplate().send(job.endpointUri(),
                exchange -> exchange.setProperty(ExecutionContext.PROPERTY, execution));

        assertThat(result.getException()).isSameAs(databaseDown);
        assertThat(execution.status("first")).isEqualTo(StepStatus.RUNNING);
        assertThat(execution.step("first")).doesNotContainKey("error");
        assertThat(ran).isEmpty();
        assertThat(checkpoints).isEmpty();
    }

    @Test
    void unclassifiedFailureIsLoggedAtWarnWithTheStepAndExecution() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [{"id": "boom", "type": "fail", "reason": "crash"}]}""");

        try (LogCapture log = LogCapture.of(StepProcessor.class)) {
            run(job, Map.of());

            assertThat(log.events()).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getMessage().getFormattedMessage())
                        .contains("step boom", "execution exec-1", "job orders", "IllegalStateException");
                assertThat(event.getThrown()).hasMessage("kaboom");
            });
        }
    }

    @Test
    void classifiedFailureIsRecordedAndStopsTheExecution() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [
              {"id": "ok", "type": "echo", "value": 1},
              {"id": "broken", "type": "fail", "reason": "no disk"},
              {"id": "after", "type": "echo", "value": 2}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("broken")).isEqualTo(StepStatus.FAILED);
        assertThat(execution.step("broken").get("error"))
                .isEqualTo(Map.of("type", "test.refused", "message", "refused: no disk"));
        assertThat(execution.step("broken")).doesNotContainKey("output");
        assertThat(execution.failedSteps()).containsExactly("broken");
        assertThat(execution.step("after")).isNull();
        assertThat(ran).containsExactly("ok:1", "broken:no disk");
        assertThat(checkpoints).containsExactly("ok", "broken");
    }

    @Test
    void aRetryableFailureIsTriedAgainAsNewAttempts() throws Exception {
        CompiledJob job = deploy("""
            {"id": "retrying", "steps": [
              {"id": "flaky", "type": "fail", "reason": "flaky:2", "retry": {"attempts": 3, "delay": "PT0.01S"}}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("flaky")).isEqualTo(StepStatus.SUCCESS);
        assertThat(execution.step("flaky").get("attempts")).isEqualTo(3);
        assertThat(execution.step("flaky").get("output")).isEqualTo(Map.of("calls", 3));
        assertThat(started).containsExactly("flaky", "flaky", "flaky");
        assertThat(failedAttempts).containsExactly("flaky:test.flaky", "flaky:test.flaky");
        assertThat(checkpoints).as("one checkpoint, when the step has ended").containsExactly("flaky");
    }

    @Test
    void retriesStopAtTheLastAttemptAndSkipWhatIsNotRetryable() throws Exception {
        CompiledJob job = deploy("""
            {"id": "giving-up", "steps": [
              {"id": "flaky", "type": "fail", "reason": "flaky:5", "retry": {"attempts": 3, "delay": "PT0.01S"},
               "continueOnError": true},
              {"id": "refused", "type": "fail", "reason": "no", "retry": {"attempts": 3, "delay": "PT0.01S"}}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("flaky")).isEqualTo(StepStatus.FAILED);
        assertThat(execution.step("flaky").get("attempts")).isEqualTo(3);
        assertThat(execution.status("refused")).isEqualTo(StepStatus.FAILED);
        assertThat(execution.step("refused").get("attempts")).as("test.refused is not retryable").isEqualTo(1);
    }

    @Test
    void retryOnChoosesWhichErrorsRetryAndDefaultsApplyToStepsWithoutAPolicy() throws Exception {
        CompiledJob job = deploy("""
            {"id": "chosen", "defaults": {"retry": {"attempts": 2, "delay": "PT0.01S", "retryOn": ["test"]}},
             "steps": [
              {"id": "by-default", "type": "fail", "reason": "no", "continueOnError": true},
              {"id": "own-policy", "type": "fail", "reason": "no", "retry": {"attempts": 1}}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.step("by-default").get("attempts")).as("retryOn 'test' covers test.refused").isEqualTo(2);
        assertThat(execution.step("own-policy").get("attempts")).as("the step's policy wins").isEqualTo(1);
    }

    @Test
    void delaysGrowByTheMultiplierAndRetryAfterIsHonoured() throws Exception {
        CompiledJob backoff = deploy("""
            {"id": "backoff", "steps": [{"id": "flaky", "type": "fail", "reason": "flaky:2",
              "retry": {"attempts": 3, "delay": "PT0.1S", "multiplier": 2}}]}""");
        long t0 = System.nanoTime();
        run(backoff, Map.of());
        assertThat((System.nanoTime() - t0) / 1_000_000).as("100 ms, then 200 ms").isGreaterThanOrEqualTo(300);

        CompiledJob busy = deploy("""
            {"id": "busy", "steps": [{"id": "busy", "type": "fail", "reason": "busy",
              "retry": {"attempts": 2, "delay": "PT0.001S"}}]}""");
        long t1 = System.nanoTime();
        ExecutionContext execution = run(busy, Map.of());
        assertThat(execution.status("busy")).isEqualTo(StepStatus.SUCCESS);
        assertThat((System.nanoTime() - t1) / 1_000_000).as("the source asked for 200 ms").isGreaterThanOrEqualTo(200);
    }

    @Test
    void aCancelledExecutionStartsNoFurtherStepAndACancelEndsARetryWait() throws Exception {
        CompiledJob job = deploy("""
            {"id": "stopping", "steps": [
              {"id": "first", "type": "echo", "value": 1},
              {"id": "second", "type": "echo", "value": 2}]}""");
        ExecutionContext execution = ExecutionContext.start("exec-1", "stopping", 1, null, Map.of(), listener);
        execution.requestCancel();
        run(job, execution);
        assertThat(ran).isEmpty();

        CompiledJob waiting = deploy("""
            {"id": "waiting", "steps": [{"id": "flaky", "type": "fail", "reason": "flaky:5",
              "retry": {"attempts": 3, "delay": "PT10S"}}]}""");
        ExecutionContext slow = ExecutionContext.start("exec-2", "waiting", 1, null, Map.of(), listener);
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor()
                .schedule(slow::requestCancel, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        run(waiting, slow);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("the 10 s wait ended by the cancel").isLessThan(5_000);
        assertThat(slow.status("flaky")).isEqualTo(StepStatus.FAILED);
        assertThat(slow.step("flaky").get("attempts")).isEqualTo(1);
    }

    @Test
    void pastTheJobsDeadlineNoStepStartsAndRetriesStopAtTheStepsTimeout() throws Exception {
        CompiledJob job = deploy("""
            {"id": "late", "steps": [{"id": "first", "type": "echo", "value": 1}]}""");
        ExecutionContext late = ExecutionContext.start("exec-1", "late", 1, null, Map.of(), listener);
        late.setDeadline(java.time.Instant.now().minusSeconds(1));
        run(job, late);
        assertThat(ran).isEmpty();
        assertThat(late.isTimedOut()).isTrue();

        CompiledJob bounded = deploy("""
            {"id": "bounded", "steps": [{"id": "flaky", "type": "fail", "reason": "flaky:5", "timeout": "PT0.3S",
              "retry": {"attempts": 5, "delay": "PT0.2S"}}]}""");
        ExecutionContext execution = run(bounded, Map.of());
        assertThat(execution.step("flaky").get("attempts")).as("a third attempt would start past PT0.3S").isEqualTo(2);
        assertThat(execution.isTimedOut()).as("the step's time, not the job's").isFalse();
    }

    @Test
    void continueOnErrorRecordsTheFailureAndGoesOn() throws Exception {
        CompiledJob job = deploy("""
            {"id": "lenient", "steps": [
              {"id": "broken", "type": "fail", "reason": "flaky", "continueOnError": true},
              {"id": "after", "type": "echo", "value": 2}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("broken")).isEqualTo(StepStatus.FAILED);
        assertThat(execution.step("broken").get("continued")).isEqualTo(true);
        assertThat(execution.status("after")).isEqualTo(StepStatus.SUCCESS);
        assertThat(execution.hasFailed()).isFalse();
        assertThat(execution.hasContinuedFailures()).isTrue();
        assertThat(checkpoints).containsExactly("broken", "after");
    }

    @Test
    void unclassifiedFailureNamesTheStep() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [
              {"id": "boom", "type": "fail", "reason": "crash"},
              {"id": "after", "type": "echo", "value": 2}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("boom")).isEqualTo(StepStatus.FAILED);
        assertThat(execution.step("boom").get("error"))
                .isEqualTo(Map.of("type", "IllegalStateException", "message", "step 'boom': kaboom"));
        assertThat(execution.step("after")).isNull();
    }

    @Test
    void stepFinishedBeforeAResumeIsNotRunAgain() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [
              {"id": "first", "type": "echo", "value": "fresh"},
              {"id": "second", "type": "echo", "value": "saw {{ steps.first.output.value }}"}]}""");
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("status", "SUCCESS");
        first.put("attempts", 1);
        first.put("output", Map.of("value", "from checkpoint"));
        Map<String, Object> checkpoint = new LinkedHashMap<>(
                ExecutionContext.start("exec-1", "orders", 3, null, Map.of(), listener).data());
        checkpoint.put("steps", new LinkedHashMap<>(Map.of("first", first)));

        ExecutionContext execution = run(job, ExecutionContext.resume(checkpoint, listener));

        assertThat(ran).containsExactly("second:saw from checkpoint");
        assertThat(started).containsExactly("second");
        assertThat(execution.step("first")).isSameAs(first).containsEntry("attempts", 1);
        assertThat(output(execution, "second")).isEqualTo(Map.of("value", "saw from checkpoint"));
    }

    @Test
    void aRetriedExecutionRunsItsFailedStepAgainAsANewAttemptAndNothingBefore() throws Exception {
        CompiledJob job = deploy("""
            {"id": "again", "steps": [
              {"id": "first", "type": "echo", "value": 1},
              {"id": "lenient", "type": "fail", "reason": "no", "continueOnError": true},
              {"id": "flaky", "type": "fail", "reason": "flaky:1"},
              {"id": "last", "type": "echo", "value": 3}]}""");
        ExecutionContext failed = run(job, Map.of());
        assertThat(failed.status("flaky")).isEqualTo(StepStatus.FAILED);
        ran.clear();
        started.clear();

        ExecutionContext retried = ExecutionContext.resume(failed.data(), listener);
        assertThat(retried.reopenFailedSteps()).containsExactly("flaky");
        run(job, retried);

        assertThat(started).containsExactly("flaky", "last");
        assertThat(retried.status("flaky")).isEqualTo(StepStatus.SUCCESS);
        assertThat(retried.step("flaky").get("attempts")).isEqualTo(2);
        assertThat(retried.status("lenient")).as("a failure under continueOnError stays as it was").isEqualTo(StepStatus.FAILED);
        assertThat(retried.hasFailed()).isFalse();
    }

    @Test
    void expressionErrorNamesStepFieldAndExpression() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [
              {"id": "bad", "type": "echo", "value": {"list": ["ok", "{{ missing > 1 }}"]}},
              {"id": "after", "type": "echo", "value": 2}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("bad")).isEqualTo(StepStatus.FAILED);
        assertThat(execution.step("bad").get("error")).isEqualTo(Map.of("type", "expression",
                "message", "step 'bad', field 'value.list[1]': expression 'missing > 1': variable 'missing' is undefined"));
        assertThat(ran).isEmpty();
    }

    @Test
    void whenThatIsNotABooleanFails() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [{"id": "w", "type": "echo", "when": "{{ 1 + 2 }}", "value": 1}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.step("w").get("error")).isEqualTo(Map.of("type", "expression",
                "message", "step 'w', field 'when': expected a boolean, got '3'"));
    }

    @Test
    void forEachThatIsNotAListFails() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [{"id": "f", "type": "echo", "forEach": "{{ 'abc' }}", "value": 1}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.step("f").get("error")).isEqualTo(Map.of("type", "expression",
                "message", "step 'f', field 'forEach': expected a list, got string"));
        assertThat(ran).isEmpty();
    }

    @Test
    void configThatDoesNotFitTheKindFails() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [{"id": "c", "type": "fail", "reason": "x", "colour": "red"}]}""");

        ExecutionContext execution = run(job, Map.of());

        assertThat(execution.status("c")).isEqualTo(StepStatus.FAILED);
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) execution.step("c").get("error");
        assertThat(error).containsEntry("type", "config");
        assertThat((String) error.get("message")).startsWith("step 'c': ").contains("colour");
        assertThat(ran).isEmpty();
    }

    @Test
    void executionsOfTheSameRouteDoNotShareState() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "params": {"n": {"type": "integer"}}, "steps": [
              {"id": "only", "type": "echo", "when": "{{ params.n > 0 }}", "value": "{{ params.n }}"}]}""");

        List<ExecutionContext> executions = new ArrayList<>();
        for (int n : new int[] {1, 0, 2}) {
            executions.add(run(job, Map.of("n", n)));
        }

        assertThat(executions).extracting(e -> e.status("only"))
                .containsExactly(StepStatus.SUCCESS, StepStatus.SKIPPED, StepStatus.SUCCESS);
        assertThat(output(executions.get(2), "only")).isEqualTo(Map.of("value", 2));
    }
}
