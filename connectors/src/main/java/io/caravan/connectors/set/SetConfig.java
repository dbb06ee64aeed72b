package io.caravan.connectors.set;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** Config of a {@code set} step. */
public record SetConfig(
        @JsonProperty(required = true)
        @JsonPropertyDescription("Variables to set: name -> value or expression; read later as variables.<name>.")
        Map<String, Object> variables) {
}
