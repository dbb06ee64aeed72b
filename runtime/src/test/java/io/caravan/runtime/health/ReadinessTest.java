package io.caravan.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void readyOnlyWhenEveryCheckIsUpAndEachIsNamedWithItsState() {
        Map<String, Readiness.Check> checks = new LinkedHashMap<>();
        checks.put("database", () -> "select 1 answered");
        checks.put("objectStore", () -> {
            throw new Readiness.Unready("bucket 'caravan' does not exist");
        });
        checks.put("scheduler", () -> {
            throw new IllegalStateException("connection to db.internal:5432 refused");
        });
        try (Readiness readiness = new Readiness(checks, Duration.ofSeconds(1), Duration.ZERO)) {
            Readiness.Report report = readiness.report();

            assertThat(report.ready()).isFalse();
            assertThat(report.checks()).containsExactly(
                    Map.entry("database", new Readiness.State(true, "select 1 answered")),
                    Map.entry("objectStore", new Readiness.State(false, "bucket 'caravan' does not exist")),
                    // a probe needs no token: another failure's message (hosts, ports) is only logged
                    Map.entry("scheduler", new Readiness.State(false, "failed (IllegalStateException)")));
        }
    }

    @Test
    void aReportIsReusedForItsTtlSoThatAProbeStormRunsTheChecksOnce() {
        AtomicInteger runs = new AtomicInteger();
        try (Readiness readiness = new Readiness(Map.of("database", () -> "run " + runs.incrementAndGet()),
                Duration.ofSeconds(1), Duration.ofMinutes(1))) {
            for (int i = 0; i < 100; i++) {
                assertThat(readiness.report().ready()).isTrue();
            }
            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void aCheckThatHangsIsDownAfterTheTimeoutAndIsNotStartedAgainWhileItHangs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger healthy = new AtomicInteger();
        Map<String, Readiness.Check> checks = new LinkedHashMap<>();
        checks.put("database", () -> {
            started.incrementAndGet();
            release.await();
            return "select 1 answered";
        });
        checks.put("workers", () -> "run " + healthy.incrementAndGet());
        try (Readiness readiness = new Readiness(checks, Duration.ofMillis(200), Duration.ZERO)) {
            long t0 = System.nanoTime();
            Readiness.Report first = readiness.report();
            Readiness.Report second = readiness.report();
            long took = (System.nanoTime() - t0) / 1_000_000;

            assertThat(first.checks().get("database")).isEqualTo(new Readiness.State(false, "no answer within 200 ms"));
            assertThat(first.checks().get("workers").up()).isTrue();
            assertThat(second.ready()).isFalse();
            assertThat(took).as("two reports, each bounded by the timeout").isLessThan(2_000);
            assertThat(started).as("the hanging check is awaited again, not started again").hasValue(1);
            assertThat(healthy).as("the others run for each report").hasValue(2);

            release.countDown(); // the server answers again: the next report starts a fresh check
            Thread.sleep(50);
            assertThat(readiness.report().ready()).isTrue();
            assertThat(started).hasValue(2);
        }
    }
}
