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
        @JsonPropertyDescription("Most rows a query returns, at least 1; default 10000.") Integer maxRows,
        @JsonPropertyDescription("Rows to run the statement once for each (a list of objects, or a step's"
                + " output.rows, streamed): each :name is bound from the row's value of that name, else from"
                + " parameters. Run in chunks of batch rows, one transaction per chunk.")
        Object rows,
        @JsonPropertyDescription("Rows per chunk (one JDBC batch and one transaction) when rows is given; default"
                + " 1000.")
        Integer batch) {

    /** A statement without rows. */
    public SqlConfig(String connection, String query, Map<String, Object> parameters, Integer maxRows) {
        this(connection, query, parameters, maxRows, null, null);
    }
}
