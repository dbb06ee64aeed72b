package io.caravan.connectors.log;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of a {@code log} step. */
public record LogConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("The message; may use expressions.") String message,
        @JsonPropertyDescription("Level; default INFO.") Level level) {

    /** Log levels. */
    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }
}
