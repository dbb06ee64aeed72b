package io.caravan.job.execution;

/**
 * Told as an execution moves through its steps; the runtime records it in its store.
 * Called on the thread that runs the execution.
 */
public interface ExecutionListener {

    /**
     * A step attempt is about to begin.
     *
     * @return false when it must not: the execution was cancelled meanwhile (the listener has
     *         called {@link ExecutionContext#requestCancel()}) and nothing of the attempt was recorded
     */
    boolean stepStarted(ExecutionContext execution, String stepId);

    /** A step has ended (succeeded, failed or skipped) and its checkpoint is written. */
    void stepCheckpointed(ExecutionContext execution, String stepId);

    /**
     * The context is about to be written: the last moment to refuse it, when this node may no
     * longer hold the execution.
     *
     * @throws LeaseExpiredException when it must not be written
     */
    default void checkpointing(ExecutionContext execution) {
    }

    /** An attempt of a step failed and the step will be tried again. */
    default void attemptFailed(ExecutionContext execution, String stepId, String type, String message) {
    }

    /** A line for the execution's own log, masked already ({@link ExecutionContext#log}). */
    default void log(ExecutionContext execution, String stepId, String level, String message) {
    }

    /** Listens to nothing. */
    ExecutionListener NONE = new ExecutionListener() {
        @Override
        public boolean stepStarted(ExecutionContext execution, String stepId) {
            return true;
        }

        @Override
        public void stepCheckpointed(ExecutionContext execution, String stepId) {
        }
    };
}
