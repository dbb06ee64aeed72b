package io.caravan.connectors.sql;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** Config of a {@code sql} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SqlConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of a jdbc connection.") String connection,
        @JsonProperty(required = true)
        @JsonPropertyDescription("One SQL statement; values as :name, bound from parameters, never spliced.")
        String query,
        @JsonPropertyDescription("Values of the query's :name parameters; may use expressions. A list stands for one"
                + " value per element, as in 'id in (:ids)'; an object is sent as JSON text, as in 'cast(:doc as jsonb)'.")
        Map<String, Object> parameters,
        @JsonPropertyDescription("Most rows a query returns, at least 1; default 10000.") Integer maxRows) {
}
