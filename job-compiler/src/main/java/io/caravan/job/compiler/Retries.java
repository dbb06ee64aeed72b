package io.caravan.job.compiler;

import io.caravan.job.model.RetryPolicy;
import java.time.Duration;
import java.util.List;

/**
 * When a failed attempt of a step is tried again, and after how long: the step's {@code retry},
 * else the job's {@code defaults.retry}, else no retry. Which errors retry: those of the types
 * in {@code retryOn} (a type or its family, e.g. {@code http} covers {@code http.status}), else
 * those the step kind calls retryable (HTTP 429/5xx and connection errors, SQL connection and
 * rollback errors, ...). The delay grows by {@code multiplier} up to {@code maxDelay}; a
 * server's {@code Retry-After} is honoured instead when it gives one.
 */
record Retries(int attempts, Duration delay, double multiplier, Duration maxDelay, List<String> retryOn) {

    static final Retries NONE = new Retries(1, Duration.ZERO, 1, Duration.ZERO, List.of());

    private static final Duration DEFAULT_DELAY = Duration.ofSeconds(1);
    private static final double DEFAULT_MULTIPLIER = 2;
    private static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(5);

    /** The policy of a step: its own, else the job's default, else none. */
    static Retries of(RetryPolicy step, RetryPolicy defaults) {
        RetryPolicy policy = step != null ? step : defaults;
        if (policy == null || policy.attempts() == null || policy.attempts() <= 1) {
            return NONE;
        }
        return new Retries(policy.attempts(),
                policy.delay() == null ? DEFAULT_DELAY : Duration.parse(policy.delay()),
                policy.multiplier() == null ? DEFAULT_MULTIPLIER : policy.multiplier(),
                policy.maxDelay() == null ? DEFAULT_MAX_DELAY : Duration.parse(policy.maxDelay()),
                policy.retryOn() == null ? List.of() : List.copyOf(policy.retryOn()));
    }

    /** Whether attempt number {@code attempt} (1-based), failed with this error, is tried again. */
    boolean shouldRetry(int attempt, String type, boolean retryable) {
        if (attempt >= attempts) {
            return false;
        }
        if (retryOn.isEmpty()) {
            return retryable;
        }
        return retryOn.stream().anyMatch(r -> type.equals(r) || type.startsWith(r + "."));
    }

    /** How long to wait after failed attempt number {@code attempt}; {@code retryAfter} may be null. */
    Duration delayAfter(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter;
        }
        double factor = Math.pow(multiplier, attempt - 1);
        double millis = Math.min(delay.toMillis() * factor, maxDelay.toMillis());
        return Duration.ofMillis((long) millis);
    }
}
