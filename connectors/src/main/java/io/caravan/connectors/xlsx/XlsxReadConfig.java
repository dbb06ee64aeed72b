package io.caravan.connectors.xlsx;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Config of an {@code xlsx.read} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record XlsxReadConfig(
        @JsonProperty(required = true)
        @JsonPropertyDescription("The workbook: a step's output.file, trigger.file, an entry of files, or the name of"
                + " a file of this execution.")
        Object file,
        @JsonPropertyDescription("The sheet to read: its name, or its position counted from 1; default the first.")
        Object sheet,
        @JsonPropertyDescription("Whether the first row with values names the columns; default true.") Boolean header,
        @JsonPropertyDescription("Names of the columns, in order from column A: for a sheet without a header row"
                + " (default column1, column2, …), or to rename a header's columns.") List<String> columns) {

    XlsxOptions options() {
        return XlsxOptions.of(sheet, header, columns);
    }
}
