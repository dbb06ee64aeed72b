package io.caravan.connectors.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** Config of a {@code transform} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransformConfig(
        @JsonProperty(required = true)
        @JsonPropertyDescription("The rows: a list of objects, or a step's output.rows (streamed when large).")
        Object rows,
        @JsonPropertyDescription("The columns of each new row, in order: name -> an expression over row (the row"
                + " read, e.g. '{{ row.SKU.trim() }}'), a constant, or {from, type, default, format}. Without"
                + " columns the rows keep theirs.")
        Map<String, Object> columns,
        @JsonPropertyDescription("Keeps a new row only when true: an expression over row (the new row, e.g."
                + " '{{ row.qty >= 0 }}'); the others go to output.rejected.")
        String filter,
        @JsonPropertyDescription("Whether the row's other columns are kept after the ones named in columns;"
                + " default false.")
        Boolean keep) {

    /** A column taken from another one with a type: the object form of a {@code columns} entry. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(
            @JsonPropertyDescription("Column of the row read; default the new column's own name.") String from,
            @JsonPropertyDescription("Type to convert to: string, integer, number, boolean, date.") ColumnType type,
            @JsonProperty("default") @JsonPropertyDescription("Value when the column is missing or empty.")
            Object defaultValue,
            @JsonPropertyDescription("For dates: the pattern of the text read (e.g. dd/MM/yyyy); default ISO"
                    + " (yyyy-MM-dd).")
            String format) {
    }
}
