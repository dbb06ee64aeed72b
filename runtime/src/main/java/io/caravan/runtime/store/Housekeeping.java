package io.caravan.runtime.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes what has served its time: webhook delivery ids older than their 24 h replay window. */
public final class Housekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-housekeeping");
        t.setDaemon(true);
        return t;
    });

    /** Runs every {@code period} on this node (each node does; the statements are idempotent). */
    public Housekeeping(Database db, Duration period) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                int gone = db.jdbc().update("delete from webhook_deliveries where received_at < now() - interval '24 hours'");
                if (gone > 0) {
                    LOG.debug("{} webhook delivery ids past their replay window removed", gone);
                }
            } catch (RuntimeException e) {
                LOG.warn("housekeeping skipped: {}", e.getMessage());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
