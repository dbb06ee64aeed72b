package io.caravan.job.execution;

/** Where a step stands in an execution. */
public enum StepStatus {
    RUNNING, SUCCESS, FAILED, SKIPPED;

    /** Whether the step has ended and must not run again when the execution resumes. */
    public boolean isFinal() {
        return this != RUNNING;
    }
}
