package io.caravan.connectors.checkpoint;

/**
 * The context of an execution could not be written to the object store after a step: the step's
 * outcome is not durable. The runtime tells it from any other failure of a job's route by this
 * type (it may arrive as the cause of what Camel reports).
 */
public class CheckpointException extends RuntimeException {

    private final String executionId;
    private final String stepId;
    private final String objectPath;

    /**
     * @param executionId the execution whose context was being written
     * @param stepId the step that had just ended, or null when none ran (a resume past finished steps)
     * @param objectPath the object that could not be written
     * @param cause why
     */
    public CheckpointException(String executionId, String stepId, String objectPath, Throwable cause) {
        super("cannot write the checkpoint of execution " + executionId
                + (stepId == null ? "" : " after step '" + stepId + "'") + " to " + objectPath + ": "
                + (cause == null ? "unknown reason" : cause.getMessage()), cause);
        this.executionId = executionId;
        this.stepId = stepId;
        this.objectPath = objectPath;
    }

    /** The execution whose context was being written. */
    public String executionId() {
        return executionId;
    }

    /** The step that had just ended, or null. */
    public String stepId() {
        return stepId;
    }

    /** The object path of the context. */
    public String objectPath() {
        return objectPath;
    }
}
