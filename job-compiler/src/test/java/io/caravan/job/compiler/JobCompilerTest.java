package io.caravan.job.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.ExecutionListener;
import io.caravan.job.execution.StepStatus;
import io.caravan.job.model.JobDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/** Compiles jobs into a real CamelContext and runs executions through them. */
class JobCompilerTest extends CompilerFixture {

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
    void secretsNotGivenFailTheStepInsteadOfSendingAnEmptyValue() throws Exception {
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
                .contains("no secrets were given");
        assertThat(ran).isEmpty();
    }

    @Test
    void givenSecretsReachTheStepAndAreMaskedInErrorsAndByMask() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [
              {"id": "call", "type": "echo", "value": {"bearer": "{{ secrets.api_token }}"}},
              {"id": "boom", "type": "fail", "reason": "refused {{ secrets.api_token }}"}]}""");
        ExecutionContext execution = ExecutionContext.start("exec-9", "orders", 3, null, Map.of(), listener);
        execution.setSecrets(Map.of("api_token", "tok-12345"));

        run(job, execution);

        assertThat(output(execution, "call")).containsEntry("value", Map.of("bearer", "tok-12345")); // the step had the value
        assertThat(execution.data()).doesNotContainKey("secrets");
        assertThat(execution.mask("{\"bearer\":\"tok-12345\"}")).isEqualTo("{\"bearer\":\"***\"}");
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) execution.step("boom").get("error");
        assertThat((String) error.get("message")).doesNotContain("tok-12345").contains("***");
        assertThat(execution.maskedData().toString()).doesNotContain("tok-12345");
    }

    @Test
    void maskingLeavesKeysAndBookkeepingAloneEvenForASecretThatLooksLikeThem() throws Exception {
        CompiledJob job = deploy("""
            {"id": "orders", "steps": [{"id": "call", "type": "echo", "value": "{{ secrets.word }} and SUCCESS"}]}""");
        ExecutionContext execution = ExecutionContext.start("exec-10", "orders", 3, null, Map.of(), listener);
        execution.setSecrets(Map.of("word", "SUCCESS"));

        run(job, execution);

        Map<String, Object> masked = execution.maskedData();
        @SuppressWarnings("unchecked")
        Map<String, Object> step = (Map<String, Object>) ((Map<String, Object>) masked.get("steps")).get("call");
        assertThat(step).containsEntry("status", "SUCCESS").containsEntry("output", Map.of("value", "*** and ***"));
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
            public boolean stepStarted(ExecutionContext execution, String stepId) {
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
