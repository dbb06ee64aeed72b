package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;

/** One declared parameter of a job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParamSpec(
        @JsonProperty(required = true) @JsonPropertyDescription("The value's type.") ParamType type,
        @JsonPropertyDescription("What the parameter means.") String description,
        @JsonProperty("default") @JsonPropertyDescription("Value used when none is given.") JsonNode defaultValue,
        @JsonProperty("enum") @JsonPropertyDescription("The only values allowed.") List<JsonNode> allowed,
        @JsonPropertyDescription("A run without this parameter (and no default) is refused.") Boolean required,
        @JsonPropertyDescription("Smallest allowed number.") BigDecimal minimum,
        @JsonPropertyDescription("Largest allowed number.") BigDecimal maximum,
        @JsonPropertyDescription("Format of a string value.") ParamFormat format,
        @JsonPropertyDescription("Masked wherever it would be shown.") Boolean secret) {

    /** Whether a value must be supplied. */
    public boolean isRequired() {
        return required != null && required;
    }
}
