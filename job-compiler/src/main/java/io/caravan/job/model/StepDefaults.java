package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Defaults applied to every step of a job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepDefaults(
        @JsonPropertyDescription("Retry policy for steps that set none.") RetryPolicy retry,
        @JsonPropertyDescription("Step timeout, ISO-8601 duration.") String timeout) {
}
