package io.caravan.job.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.StepStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retries, cancel, timeouts, continueOnError and resuming from a checkpoint. */
class StepControlTest extends CompilerFixture {

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
    void aHandOverDuringARetryWaitLeavesTheStepUnfinishedForTheNextNode() throws Exception {
        CompiledJob waiting = deploy("""
            {"id": "handed", "steps": [
              {"id": "flaky", "type": "fail", "reason": "flaky:5", "retry": {"attempts": 3, "delay": "PT10S"}},
              {"id": "after", "type": "echo", "value": 1}]}""");
        ExecutionContext execution = ExecutionContext.start("exec-3", "handed", 1, null, Map.of(), listener);
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor()
                .schedule(execution::requestHandOver, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        run(waiting, execution);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("the 10 s wait ended by the hand-over").isLessThan(5_000);
        assertThat(checkpoints).as("nothing to checkpoint: the step did not end").isEmpty();
        assertThat(execution.hasFailed()).as("not the step's failure").isFalse();
        assertThat(execution.isFinished("flaky")).isFalse();
        assertThat(execution.status("after")).isNull();
        assertThat(execution.isCancelRequested()).isFalse();
    }

    @Test
    void aStepTheListenerRefusesToStartDoesNotRunAndLeavesNoTrace() throws Exception {
        CompiledJob job = deploy("""
            {"id": "refused", "steps": [
              {"id": "first", "type": "echo", "value": 1},
              {"id": "second", "type": "echo", "value": 2},
              {"id": "third", "type": "echo", "value": 3}]}""");
        java.util.List<String> asked = new java.util.ArrayList<>();
        ExecutionContext execution = ExecutionContext.start("exec-5", "refused", 1, null, Map.of(),
                new io.caravan.job.execution.ExecutionListener() {
                    @Override
                    public boolean stepStarted(ExecutionContext e, String stepId) {
                        asked.add(stepId);
                        if (stepId.equals("second")) { // the store says: cancelled on another node
                            e.requestCancel();
                            return false;
                        }
                        return true;
                    }

                    @Override
                    public void stepCheckpointed(ExecutionContext e, String stepId) {
                    }
                });
        run(job, execution);
        assertThat(asked).containsExactly("first", "second");
        assertThat(ran).containsExactly("first:1");
        assertThat(execution.isFinished("first")).isTrue();
        assertThat(execution.step("second")).as("no attempt of it in the context").isNull();
        assertThat(execution.lastStep()).isEqualTo("first");
        assertThat(execution.isCancelRequested()).isTrue();
    }

    @Test
    void aListenerThatCannotRecordAFailedAttemptBreaksTheRouteOffWithoutFailingTheStep() throws Exception {
        CompiledJob job = deploy("""
            {"id": "unrecorded", "steps": [
              {"id": "flaky", "type": "fail", "reason": "flaky:2", "retry": {"attempts": 3, "delay": "PT0.01S"}}]}""");
        ExecutionContext execution = ExecutionContext.start("exec-4", "unrecorded", 1, null, Map.of(),
                new io.caravan.job.execution.ExecutionListener() {
                    @Override
                    public boolean stepStarted(ExecutionContext e, String stepId) {
                        return true;
                    }

                    @Override
                    public void attemptFailed(ExecutionContext e, String stepId, String type, String message) {
                        throw new IllegalStateException("database away");
                    }

                    @Override
                    public void stepCheckpointed(ExecutionContext e, String stepId) {
                    }
                });
        org.apache.camel.Exchange result = camel.createProducerTemplate().send(job.endpointUri(),
                exchange -> exchange.setProperty(ExecutionContext.PROPERTY, execution));
        assertThat(result.getException()).isInstanceOf(IllegalStateException.class).hasMessage("database away");
        assertThat(execution.hasFailed()).as("the step did not fail: its failure could not be recorded").isFalse();
        assertThat(checkpoints).isEmpty();
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
}
