package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The fields every step has, whatever its kind. Only used to describe them in the schema;
 * at run time they are read from {@link StepSpec}.
 */
public record StepCommon(
        @JsonProperty(required = true)
        @JsonPropertyDescription("Unique id of the step in the job: letters, digits and '_', read in expressions as steps.<id>.") String id,
        @JsonProperty(required = true) @JsonPropertyDescription("The step kind.") String type,
        @JsonPropertyDescription("A human-readable name.") String name,
        @JsonPropertyDescription("Expression yielding a boolean; when false the step is SKIPPED.") String when,
        @JsonPropertyDescription("An expression or array; the step runs once per element with item and index bound.")
        JsonNode forEach,
        @JsonPropertyDescription("A failure of this step does not fail the execution.") Boolean continueOnError,
        @JsonPropertyDescription("Retry policy of this step.") RetryPolicy retry,
        @JsonPropertyDescription("Step timeout, ISO-8601 duration.") String timeout) {

    /** The names of the common fields; everything else in a step is its kind's config. */
    public static final Set<String> FIELDS =
            Set.of("id", "type", "name", "when", "forEach", "continueOnError", "retry", "timeout");

    /** The pattern a step id must match: also usable as an expression identifier. */
    public static final String ID_PATTERN = "^[A-Za-z_][A-Za-z0-9_]{0,62}$";
}
