package io.caravan.connectors.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.storage.ObjectPaths;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.execution.ExecutionContext;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Reads and writes an execution's {@code context.json}. Every write is conditional on the
 * version this run last read or wrote ({@link ExecutionContext#checkpointTag()}): the node that
 * claims an execution writes the checkpoint once before its first step, after which the
 * checkpoints of any node that lost the execution are refused by the store itself
 * ({@link ObjectStore.ConflictException}). Each write is measured: its size
 * ({@value #SIZE_METER}) and its time by outcome ({@value #WRITE_METER}).
 */
public final class Checkpoints {

    /** The size of each checkpoint written, in bytes. */
    public static final String SIZE_METER = "caravan.checkpoint.size";
    /** The time each checkpoint write took (serialising and storing), by {@code outcome}: ok, conflict, error. */
    public static final String WRITE_METER = "caravan.checkpoint.writes";

    private static final String CONTENT_TYPE = "application/json";
    /** From a small object on a local store to a slow remote one; a write past 10 s counts in +Inf. */
    private static final Duration[] WRITE_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final ObjectStore store;
    private final ObjectMapper json;
    // registered once here: a write records into them without a registry lookup
    private final DistributionSummary size;
    private final Timer written;
    private final Timer conflicted;
    private final Timer failed;

    /** Checkpoints whose writes are measured nowhere. */
    public Checkpoints(ObjectStore store, ObjectMapper json) {
        this(store, json, new CompositeMeterRegistry()); // a composite with no registries drops what it is given
    }

    /** Checkpoints whose writes are measured in {@code meters}. */
    public Checkpoints(ObjectStore store, ObjectMapper json, MeterRegistry meters) {
        this.store = store;
        this.json = json;
        this.size = DistributionSummary.builder(SIZE_METER).baseUnit("bytes")
                .description("The size of each context checkpoint written").register(meters);
        this.written = writeTimer(meters, "ok");
        this.conflicted = writeTimer(meters, "conflict");
        this.failed = writeTimer(meters, "error");
    }

    private static Timer writeTimer(MeterRegistry meters, String outcome) {
        return Timer.builder(WRITE_METER).tag("outcome", outcome).serviceLevelObjectives(WRITE_BUCKETS)
                .description("The time a context checkpoint write took, serialising and storing").register(meters);
    }

    /** The checkpoint of an execution with its version, or null when none was written. */
    public ObjectStore.Versioned read(String jobId, String executionId) {
        return store.read(ObjectPaths.context(jobId, executionId));
    }

    /**
     * Writes the context over the version it was read or last written at (or where none exists
     * yet, when it has no version) and records the new version on it.
     *
     * @throws ObjectStore.ConflictException when another writer changed the checkpoint since
     */
    public void write(ExecutionContext execution) {
        long start = System.nanoTime();
        Timer outcome = failed;
        try {
            byte[] body;
            try {
                // secrets the steps used never reach the store, wherever they ended up in the data
                body = json.writeValueAsBytes(execution.maskedData());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serialise the context of execution " + execution.executionId(), e);
            }
            String path = ObjectPaths.context(execution.jobId(), execution.executionId());
            execution.setCheckpointTag(store.putIf(path, body, CONTENT_TYPE, execution.checkpointTag()));
            size.record(body.length);
            outcome = written;
        } catch (ObjectStore.ConflictException e) {
            outcome = conflicted;
            throw e;
        } finally {
            outcome.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
