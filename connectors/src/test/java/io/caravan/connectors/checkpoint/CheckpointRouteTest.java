package io.caravan.connectors.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.CompiledJob;
import io.caravan.job.compiler.JobCompiler;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.ExecutionListener;
import io.caravan.job.execution.StepStatus;
import io.caravan.job.expression.Expressions;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.step.StepKinds;
import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint route against a real S3 server (s3proxy) that is then stopped. */
class CheckpointRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private S3Proxy s3;
    private DefaultCamelContext camel;
    private ObjectStore store;
    private CompiledJob job;
    private final List<String> checkpointed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        s3 = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test", "test-secret")
                .build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.sleep(10);
        }
        camel = new DefaultCamelContext();
        camel.getRegistry().bind(ObjectStore.CLIENT_BEAN, MinioClient.builder()
                .endpoint("http://127.0.0.1:" + s3.getPort()).credentials("test", "test-secret").region("us-east-1")
                .build());
        store = new ObjectStore(camel, "caravan");
        camel.addRoutes(new CheckpointRoute(store, JSON));
        job = new JobCompiler(StepKinds.load(), new Expressions(), JSON).compile(JSON.readValue("""
            {"id": "orders", "steps": [{"id": "say", "type": "log", "message": "hello"}]}""", JobDefinition.class), 1);
        camel.addRoutes(job.routes());
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        s3.stop();
    }

    private ExecutionListener listener(boolean failOnCheckpoint) {
        return new ExecutionListener() {
            @Override
            public boolean stepStarted(ExecutionContext execution, String stepId) {
                return true;
            }

            @Override
            public void stepCheckpointed(ExecutionContext execution, String stepId) {
                if (failOnCheckpoint) {
                    throw new IllegalStateException("row not updated");
                }
                checkpointed.add(stepId);
            }
        };
    }

    private Exchange run(ExecutionContext execution) {
        return camel.createProducerTemplate().send(job.endpointUri(),
                exchange -> exchange.setProperty(ExecutionContext.PROPERTY, execution));
    }

    @Test
    void writesTheContextThenTellsTheListener() throws Exception {
        ExecutionContext execution = ExecutionContext.start("exec-1", "orders", 1, null, Map.of(), listener(false));

        Exchange result = run(execution);

        assertThat(result.getException()).isNull();
        assertThat(checkpointed).containsExactly("say");
        Map<?, ?> written = JSON.readValue(store.get("jobs/orders/executions/exec-1/context.json"), Map.class);
        assertThat(((Map<?, ?>) ((Map<?, ?>) written.get("steps")).get("say")).get("status")).isEqualTo("SUCCESS");
    }

    @Test
    void aContextThatCannotBeWrittenIsTriedAgainUntilTheExecutionIsGivenUp() throws Exception {
        s3.stop();
        ExecutionContext execution = ExecutionContext.start("exec-2", "orders", 1, null, Map.of(), listener(false));
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor()
                .schedule(execution::requestCancel, 1500, java.util.concurrent.TimeUnit.MILLISECONDS);

        long t0 = System.nanoTime();
        Exchange result = run(execution);

        assertThat((System.nanoTime() - t0) / 1_000_000).as("kept trying until cancelled").isGreaterThanOrEqualTo(1400);

        assertThat(result.getException()).isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.executionId()).isEqualTo("exec-2");
            assertThat(e.stepId()).isEqualTo("say");
            assertThat(e.objectPath()).isEqualTo("jobs/orders/executions/exec-2/context.json");
            assertThat(e).hasMessageStartingWith("cannot write the checkpoint of execution exec-2 after step 'say'"
                    + " to jobs/orders/executions/exec-2/context.json: ");
            assertThat(e.getCause()).isNotNull();
        });
        assertThat(execution.status("say")).isEqualTo(StepStatus.SUCCESS);
        assertThat(checkpointed).isEmpty();
    }

    @Test
    void aNodeThatLostTheExecutionCannotOverwriteTheCheckpointOfTheNodeThatTookItOver() throws Exception {
        ExecutionContext stale = ExecutionContext.start("exec-4", "orders", 1, null, Map.of(), listener(false));
        assertThat(run(stale).getException()).isNull();
        String path = "jobs/orders/executions/exec-4/context.json";

        // another node claims the execution: reads the checkpoint and writes it as its own first
        Checkpoints checkpoints = new Checkpoints(store, JSON);
        ObjectStore.Versioned saved = checkpoints.read("orders", "exec-4");
        assertThat(saved.etag()).isEqualTo(stale.checkpointTag());
        @SuppressWarnings("unchecked")
        ExecutionContext taker = ExecutionContext.resume(JSON.readValue(saved.data(), Map.class), listener(false));
        taker.setCheckpointTag(saved.etag());
        taker.setClaim(2);
        checkpoints.write(taker);

        long t0 = System.nanoTime();
        Exchange refused = run(stale); // the stale node checkpoints again
        assertThat((System.nanoTime() - t0) / 1_000_000).as("refused at once, not retried").isLessThan(1_000);
        assertThat(refused.getException()).isInstanceOf(CheckpointException.class)
                .hasCauseInstanceOf(ObjectStore.ConflictException.class);
        Map<?, ?> kept = JSON.readValue(store.get(path), Map.class);
        assertThat(((Map<?, ?>) kept.get("execution")).get("claim")).as("the new owner's checkpoint stands").isEqualTo(2);

        // and a run that believes it writes the first checkpoint cannot replace one that exists
        ExecutionContext fresh = ExecutionContext.start("exec-4", "orders", 1, null, Map.of(), listener(false));
        assertThatThrownBy(() -> checkpoints.write(fresh)).isInstanceOf(ObjectStore.ConflictException.class)
                .hasMessageContaining(path);
    }

    @Test
    void eachWriteIsMeasuredByItsSizeAndItsOutcome() throws Exception {
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        Checkpoints checkpoints = new Checkpoints(store, JSON, meters);
        ExecutionContext first = ExecutionContext.start("exec-6", "orders", 1, null, Map.of(), listener(false));
        checkpoints.write(first);
        ExecutionContext rival = ExecutionContext.start("exec-6", "orders", 1, null, Map.of(), listener(false));
        assertThatThrownBy(() -> checkpoints.write(rival)).isInstanceOf(ObjectStore.ConflictException.class);
        int stored = store.get("jobs/orders/executions/exec-6/context.json").length;
        s3.stop();
        assertThatThrownBy(() -> checkpoints.write(first)).isInstanceOf(ObjectStore.ObjectStoreException.class);

        var size = meters.get(Checkpoints.SIZE_METER).summary();
        assertThat(size.count()).as("only the write that was stored").isEqualTo(1);
        assertThat(size.totalAmount()).isEqualTo(stored);
        for (String outcome : List.of("ok", "conflict", "error")) {
            var timer = meters.get(Checkpoints.WRITE_METER).tag("outcome", outcome).timer();
            assertThat(timer.count()).as(outcome).isEqualTo(1);
            assertThat(timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).as(outcome).isPositive();
        }
    }

    @Test
    void aCheckpointTheListenerRefusesIsNeitherWrittenNorTriedAgain() {
        ExecutionContext execution = ExecutionContext.start("exec-5", "orders", 1, null, Map.of(), new ExecutionListener() {
            @Override
            public boolean stepStarted(ExecutionContext e, String stepId) {
                return true;
            }

            @Override
            public void checkpointing(ExecutionContext e) {
                throw new io.caravan.job.execution.LeaseExpiredException("lease ran out");
            }

            @Override
            public void stepCheckpointed(ExecutionContext e, String stepId) {
                checkpointed.add(stepId);
            }
        });

        long t0 = System.nanoTime();
        Exchange refused = run(execution);

        assertThat((System.nanoTime() - t0) / 1_000_000).as("refused at once, not retried").isLessThan(1_000);
        assertThat(refused.getException()).isInstanceOf(CheckpointException.class)
                .hasCauseInstanceOf(io.caravan.job.execution.LeaseExpiredException.class);
        assertThat(store.get("jobs/orders/executions/exec-5/context.json")).as("nothing written").isNull();
        assertThat(checkpointed).isEmpty();
    }

    @Test
    void aListenerThatFailsAfterTheWriteIsNotACheckpointFailure() {
        ExecutionContext execution = ExecutionContext.start("exec-3", "orders", 1, null, Map.of(), listener(true));

        Exchange result = run(execution);

        assertThat(result.getException()).isInstanceOf(IllegalStateException.class).hasMessage("row not updated");
    }
}
