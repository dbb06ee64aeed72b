package io.caravan.runtime.store;

/** A write refused because the execution has been claimed by a newer lease (another node took over). */
public final class LeaseLostException extends RuntimeException {

    public LeaseLostException(Lease lease) {
        super("execution " + lease.executionId() + " is no longer held by node " + lease.nodeId()
                + " with lease " + lease.epoch() + "; another claim took over");
    }
}
