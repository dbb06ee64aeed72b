package io.caravan.runtime.store;

import java.util.UUID;

/**
 * A node's claim on an execution. Every write the node makes for it names the lease, and the
 * store refuses it once another claim (a higher epoch, after this lease expired) exists.
 *
 * @param executionId the execution claimed
 * @param nodeId the node holding it
 * @param epoch the claim's number: one more than the claim before it
 */
public record Lease(UUID executionId, String nodeId, int epoch) {
}
