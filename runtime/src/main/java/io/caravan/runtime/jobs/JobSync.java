package io.caravan.runtime.jobs;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's routes and triggers in line with the jobs other nodes create, change and
 * delete: every period it compares the stored versions with the loaded ones ({@link JobService#sync()}).
 * A schedule depends on it: Quartz fires on whichever node it likes, and that node must have the route.
 */
public final class JobSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobSync.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-job-sync");
        t.setDaemon(true);
        return t;
    });

    /** Starts syncing every {@code period}; {@code first} runs before each sync (the connections jobs use). */
    public JobSync(JobService jobs, Runnable first, Duration period) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                first.run();
                int changed = jobs.sync();
                if (changed > 0) {
                    LOG.info("{} job(s) changed by other nodes loaded here", changed);
                }
            } catch (RuntimeException e) {
                LOG.warn("jobs not synced with the store: {}", e.getMessage());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
