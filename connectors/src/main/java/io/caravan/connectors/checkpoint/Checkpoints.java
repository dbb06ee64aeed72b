package io.caravan.connectors.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.storage.ObjectPaths;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.execution.ExecutionContext;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads and writes an execution's {@code context.json}. Every write is conditional on the
 * version this run last read or wrote ({@link ExecutionContext#checkpointTag()}): the node that
 * claims an execution writes the checkpoint once before its first step, after which the
 * checkpoints of any node that lost the execution are refused by the store itself
 * ({@link ObjectStore.ConflictException}).
 */
public final class Checkpoints {

    private static final String CONTENT_TYPE = "application/json";

    private final ObjectStore store;
    private final ObjectMapper json;

    public Checkpoints(ObjectStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
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
        byte[] body;
        try {
            // secrets the steps used never reach the store, wherever they ended up in the data
            body = json.writeValueAsBytes(execution.maskedData());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the context of execution " + execution.executionId(), e);
        }
        String path = ObjectPaths.context(execution.jobId(), execution.executionId());
        execution.setCheckpointTag(store.putIf(path, body, CONTENT_TYPE, execution.checkpointTag()));
    }
}
