package io.caravan.runtime.execution;

import java.time.Duration;

/**
 * How long this node may still take its lease on one execution as held, by its own monotonic
 * clock: from just before the claim or the last renewal that reached the database, plus the
 * lease's length. Both start before the database set the expiry, so this clock runs out first.
 * A process frozen past its lease (SIGSTOP, a long pause) finds it run out as it wakes, before
 * it writes anything.
 */
final class LeaseClock {

    private final long lengthNanos;
    private volatile long validUntil;

    LeaseClock(long claimedAtNanos, Duration length) {
        this.lengthNanos = length.toNanos();
        this.validUntil = claimedAtNanos + lengthNanos;
    }

    /** Records a renewal that began at {@code nanos} ({@link System#nanoTime()}) and succeeded. */
    void renewedAt(long nanos) {
        validUntil = Math.max(validUntil, nanos + lengthNanos);
    }

    /** Whether the lease still holds by this node's clock. */
    boolean held() {
        return System.nanoTime() - validUntil < 0;
    }
}
