package io.caravan.job.execution;

/**
 * This node's claim on an execution may have run out (it could not renew it in time, or the
 * process was frozen past it): it must not write for the execution any more, because another
 * node may hold it now. Thrown by an {@link ExecutionListener} before a checkpoint.
 */
public final class LeaseExpiredException extends RuntimeException {

    public LeaseExpiredException(String message) {
        super(message);
    }
}
