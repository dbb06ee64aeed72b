package io.caravan.connectors.csv;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Config of a {@code csv.write} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CsvWriteConfig(
        @JsonProperty(required = true)
        @JsonPropertyDescription("Name of the file to write among the execution's files, e.g. 'orders-{{ params.date }}.csv'.")
        String file,
        @JsonProperty(required = true)
        @JsonPropertyDescription("The rows: a list of objects, or a step's output.rows (streamed when large).")
        Object rows,
        @JsonPropertyDescription("Columns to write, in order; default the names of the first row.") List<String> columns,
        @JsonPropertyDescription("Character between values; default ','.") String delimiter,
        @JsonPropertyDescription("Character that quotes values; default '\"'.") String quote,
        @JsonPropertyDescription("Whether a first line names the columns; default true.") Boolean header,
        @JsonPropertyDescription("Character set to write; default UTF-8.") String charset,
        @JsonPropertyDescription("Whether a text value that a spreadsheet would run as a formula (starting with = + - @,"
                + " tab or carriage return) is written with a leading ' so it stays text; default true.")
        Boolean escapeFormulas) {
}
