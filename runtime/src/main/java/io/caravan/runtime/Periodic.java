package io.caravan.runtime;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task this node runs every so often on a daemon thread of its own; a failing run is logged
 * and the next one comes as usual (a database restart must not end the syncing for good).
 */
public final class Periodic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

    private final ScheduledExecutorService timer;

    private Periodic(String name, Duration period, Runnable task) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{} skipped a run: {}", name, e.getMessage());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} every {@code period}, the first time one period from now, on thread {@code name}. */
    public static Periodic every(String name, Duration period, Runnable task) {
        return new Periodic(name, period, task);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
