package io.caravan.runtime.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The queue as gauges, read from the executions table when scraped: one query for all of them,
 * whose answer is kept a few seconds, so that several scrapers (or one scraping often) cost the
 * database no more. The queue is the cluster's: every node reports the same numbers.
 */
public final class QueueGauges {

    private static final Logger LOG = LoggerFactory.getLogger(QueueGauges.class);
    /** How long one reading of the queue is served. */
    static final Duration FRESH = Duration.ofSeconds(5);

    private final JdbcTemplate jdbc;
    private Reading last;

    private QueueGauges(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Registers the queue's gauges, read through {@code jdbc}. */
    public static void register(MeterRegistry registry, JdbcTemplate jdbc) {
        QueueGauges queue = new QueueGauges(jdbc);
        gauge(registry, queue, "caravan.queue.depth", "queued", Reading::queued, "Executions waiting, by status");
        gauge(registry, queue, "caravan.queue.depth", "running", Reading::running, "Executions waiting, by status");
        Gauge.builder("caravan.queue.oldest.age", queue, q -> q.reading().oldestSeconds()).baseUnit("seconds")
                .strongReference(true).description("How long the oldest queued execution has waited; 0 when none waits").register(registry);
    }

    private static void gauge(MeterRegistry registry, QueueGauges queue, String name, String status,
            ToDoubleFunction<Reading> value, String description) {
        // held strongly: nothing else holds the queue's reader, and a gauge's weak one would lose it
        Gauge.builder(name, queue, q -> value.applyAsDouble(q.reading())).tag("status", status).strongReference(true)
                .description(description).register(registry);
    }

    /** The queue as last read, read again once it is older than {@link #FRESH}; NaN while the database cannot answer. */
    private synchronized Reading reading() {
        long now = System.nanoTime();
        if (last != null && now - last.at() < FRESH.toNanos()) {
            return last;
        }
        try {
            // the status index answers this; QUEUED and RUNNING rows are the only ones it reads
            last = jdbc.queryForObject("select count(*) filter (where status = 'QUEUED') as queued,"
                    + " count(*) filter (where status = 'RUNNING') as running,"
                    + " coalesce(extract(epoch from now() - min(created_at) filter (where status = 'QUEUED')), 0) as oldest"
                    + " from executions where status in ('QUEUED', 'RUNNING')",
                    (rs, n) -> new Reading(rs.getLong("queued"), rs.getLong("running"), rs.getDouble("oldest"), now));
        } catch (org.springframework.dao.DataAccessException e) {
            LOG.debug("queue gauges not read: {}", e.getMessage());
            last = new Reading(Double.NaN, Double.NaN, Double.NaN, now); // tried again after FRESH, not at every gauge
        }
        return last;
    }

    private record Reading(double queued, double running, double oldestSeconds, long at) {
    }
}
