package io.caravan.runtime.store;

/**
 * An execution claimed from the queue.
 *
 * @param row the execution as claimed
 * @param lease the claim
 * @param ranBefore whether it ran before (a retry or a recovery), so it may have a checkpoint
 * @param recovered whether it was taken over from a node whose lease expired (or that let go of it)
 * @param previousNode the node that held it before, or null
 * @param jobVersion the job's current version when it was claimed, or null when the job is gone
 */
public record Claim(ExecutionRow row, Lease lease, boolean ranBefore, boolean recovered, String previousNode,
        Integer jobVersion) {
}
