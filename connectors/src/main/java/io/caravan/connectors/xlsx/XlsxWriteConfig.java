package io.caravan.connectors.xlsx;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Config of an {@code xlsx.write} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record XlsxWriteConfig(
        @JsonProperty(required = true)
        @JsonPropertyDescription("Name of the workbook to write among the execution's files, e.g."
                + " 'users-{{ params.since }}.xlsx'.")
        String file,
        @JsonProperty(required = true)
        @JsonPropertyDescription("The rows: a list of objects, or a step's output.rows (streamed when large).")
        Object rows,
        @JsonPropertyDescription("Name of the sheet; default 'Sheet1'.") String sheet,
        @JsonPropertyDescription("Columns to write, in order; default the names of the first row.") List<String> columns,
        @JsonPropertyDescription("Whether a first row names the columns; default true.") Boolean header) {
}
