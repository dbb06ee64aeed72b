package io.caravan.runtime.execution;

import io.caravan.runtime.store.ExecutionRow;

/** Told when an execution has ended on this node (its final status is stored), for what follows a run. */
public interface ExecutionEnded {

    /**
     * The execution as claimed, the status it ended with, and its context as its last checkpoint
     * holds it (secrets masked).
     */
    void ended(ExecutionRow row, String status, java.util.Map<String, Object> context);

    /** All of {@code listeners}, in order; one that throws does not keep the others from being told. */
    static ExecutionEnded all(ExecutionEnded... listeners) {
        return (row, status, context) -> {
            for (ExecutionEnded listener : listeners) {
                try {
                    listener.ended(row, status, context);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ExecutionEnded.class).warn("after execution {}: {}", row.id(), e.getMessage());
                }
            }
        };
    }
}
