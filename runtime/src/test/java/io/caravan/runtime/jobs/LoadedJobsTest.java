package io.caravan.runtime.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.job.compiler.CompiledJob;
import io.caravan.job.model.JobDefinition;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live-reload gate, on a real CamelContext. */
class LoadedJobsTest {

    private CamelContext camel;
    private LoadedJobs loaded;

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.start();
        loaded = new LoadedJobs(camel);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void aChangeWhileAnExecutionRunsWaitsForItAndNewExecutionsWaitMeanwhile() {
        loaded.install(job(1, null));
        CompiledJob running = loaded.acquire("j");
        assertThat(running.version()).isEqualTo(1);

        loaded.install(job(2, null));
        loaded.install(job(3, null));

        assertThat(loaded.acquire("j")).as("no one enters while a swap is pending").isNull();
        assertThat(loaded.reloading()).containsExactly("j");
        assertThat(camel.getRoute("job.j").getDescription()).isEqualTo("v1");

        loaded.release("j");

        assertThat(loaded.reloading()).isEmpty();
        assertThat(loaded.current("j").version()).as("only the latest change applies").isEqualTo(3);
        assertThat(camel.getRoute("job.j").getDescription()).isEqualTo("v3");
        assertThat(loaded.acquire("j").version()).isEqualTo(3);
    }

    @Test
    void noExecutionEntersWhileARouteIsBeingSwapped() throws Exception {
        loaded.install(job(1, null));
        SlowSwap swap = slowSwapTo(2);

        assertThat(loaded.acquire("j")).isNull();
        assertThat(loaded.reloading()).containsExactly("j");

        swap.finish();
        assertThat(loaded.acquire("j").version()).isEqualTo(2);
    }

    @Test
    void aChangeArrivingDuringASwapIsAppliedByTheSameLoop() throws Exception {
        loaded.install(job(1, null));
        SlowSwap swap = slowSwapTo(2);
        loaded.install(job(3, null)); // returns at once: a swap is under way
        swap.finish();

        assertThat(loaded.current("j").version()).isEqualTo(3);
        assertThat(camel.getRoute("job.j").getDescription()).isEqualTo("v3");
    }

    @Test
    void aFailedSwapLeavesTheOldRouteUsable() {
        loaded.install(job(1, null));
        assertThatThrownBy(() -> loaded.install(job(2, () -> {
            throw new IllegalStateException("broken route");
        }))).hasMessageContaining("broken route");

        assertThat(loaded.reloading()).isEmpty();
        CompiledJob current = loaded.acquire("j");
        assertThat(current.version()).isEqualTo(1);
        loaded.release("j");
    }

    @Test
    void removeWaitsForRunningExecutionsThenDropsTheRoute() {
        loaded.install(job(1, null));
        loaded.acquire("j");
        loaded.remove("j");
        assertThat(camel.getRoute("job.j")).isNotNull();

        loaded.release("j");

        assertThat(camel.getRoute("job.j")).isNull();
        assertThat(loaded.current("j")).isNull();
        assertThat(loaded.acquire("j")).isNull();
    }

    /** A swap to {@code version} that is held inside route building until {@link SlowSwap#finish}. */
    private SlowSwap slowSwapTo(int version) throws InterruptedException {
        CountDownLatch inConfigure = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CompletableFuture<Void> swap = CompletableFuture.runAsync(() -> loaded.install(job(version, () -> {
            inConfigure.countDown();
            await(proceed);
        })));
        assertThat(inConfigure.await(5, TimeUnit.SECONDS)).isTrue();
        return new SlowSwap(proceed, swap);
    }

    private record SlowSwap(CountDownLatch proceed, CompletableFuture<Void> swap) {
        void finish() throws Exception {
            proceed.countDown();
            swap.get(5, TimeUnit.SECONDS);
        }
    }

    private static CompiledJob job(int version, Runnable duringConfigure) {
        JobDefinition definition = new JobDefinition("j", null, null, null, null, null, null, null, null, null, null, null, null, null, List.of());
        return new CompiledJob(definition, version, new RouteBuilder() {
            @Override
            public void configure() {
                if (duringConfigure != null) {
                    duringConfigure.run();
                }
                from("direct:job.j").routeId("job.j").routeDescription("v" + version).log("v" + version);
            }
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
