package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How many executions of a job may run at once, and what happens to the rest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Concurrency(
        @JsonPropertyDescription("Most executions running at once.") Integer limit,
        @JsonPropertyDescription("queue (default): wait for a free slot; skip: refuse the new run;"
                + " cancel-oldest: cancel the oldest queued or running one to make room.") OnLimit onLimit) {

    /** The limit, or null for none. */
    public Integer effectiveLimit() {
        return limit == null || limit < 1 ? null : limit;
    }

    /** What to do with an execution over the limit. */
    public enum OnLimit {
        @com.fasterxml.jackson.annotation.JsonProperty("queue") QUEUE,
        @com.fasterxml.jackson.annotation.JsonProperty("skip") SKIP,
        @com.fasterxml.jackson.annotation.JsonProperty("cancel-oldest") CANCEL_OLDEST
    }
}
