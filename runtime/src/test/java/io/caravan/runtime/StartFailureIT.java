package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.runtime.config.CaravanConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that cannot start says why, promptly, and leaves no server threads behind. */
class StartFailureIT {

    @Test
    void anUnreachableDatabaseFailsTheStartQuicklyAndCleanly(@TempDir Path dir) throws Exception {
        Set<String> before = liveThreads();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Caravan.start(CaravanConfig.from(Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(TestNode.freePort()),
                "CARAVAN_DATA_DIR", dir.toString(),
                "CARAVAN_DB_URL", "jdbc:postgresql://127.0.0.1:" + TestNode.freePort() + "/none",
                "CARAVAN_ADMIN_TOKEN", TestNode.TOKEN))))
                .hasMessageContaining("127.0.0.1");
        assertThat((System.nanoTime() - t0) / 1_000_000_000).as("seconds to give up").isLessThan(30);

        // Netty's global executor, used as Vert.x closes, ends its own thread after 1 s of quiet
        long deadline = System.nanoTime() + 5_000_000_000L;
        Set<String> left;
        do {
            Thread.sleep(100);
            left = liveThreads();
            left.removeAll(before);
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertThat(left).as("non-daemon threads left by the failed start, 5 s after it").isEmpty();
    }

    private static Set<String> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .map(Thread::getName).collect(Collectors.toSet());
    }
}
