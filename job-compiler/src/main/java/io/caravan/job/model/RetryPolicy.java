package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** How a failing step is tried again. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetryPolicy(
        @JsonPropertyDescription("Total attempts, the first included.") Integer attempts,
        @JsonPropertyDescription("Delay before the second attempt, ISO-8601 duration.") String delay,
        @JsonPropertyDescription("Factor applied to the delay after each attempt.") Double multiplier,
        @JsonPropertyDescription("Longest delay, ISO-8601 duration.") String maxDelay,
        @JsonPropertyDescription("Error types that are retried; default: those the step kind calls retryable.")
        List<String> retryOn) {
}
