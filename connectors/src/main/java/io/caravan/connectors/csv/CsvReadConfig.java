package io.caravan.connectors.csv;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Config of a {@code csv.read} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CsvReadConfig(
        @JsonProperty(required = true)
        @JsonPropertyDescription("The CSV file: a step's output.file, trigger.file, an entry of files, or the name of"
                + " a file of this execution.")
        Object file,
        @JsonPropertyDescription("Character between values; default ','.") String delimiter,
        @JsonPropertyDescription("Character that quotes values; default '\"', empty for none.") String quote,
        @JsonPropertyDescription("Whether the first line names the columns; default true.") Boolean header,
        @JsonPropertyDescription("Names of the columns, in order: for a file without a header line (default"
                + " column1, column2, …), or to rename a header's columns.") List<String> columns,
        @JsonPropertyDescription("Character set of the file; default UTF-8 (a byte-order mark is skipped).")
        String charset,
        @JsonPropertyDescription("Whether spaces around values are removed; default false.") Boolean trim) {

    CsvOptions options() {
        return CsvOptions.of(delimiter, quote, header, columns, charset, trim);
    }
}
