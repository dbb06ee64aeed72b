package io.caravan.job.step;

import io.caravan.job.validation.Problems;

/**
 * A kind of step ({@code http}, {@code sql}, ...): one class in the connectors module, found
 * through {@link java.util.ServiceLoader}. Adding a kind touches nothing in the job compiler.
 *
 * @param <C> the kind's config record; its fields become the kind's JSON Schema
 */
public interface StepKind<C> {

    /** The value of the step's {@code type} field. */
    String type();

    /** The config record, read from the step's fields once its expressions are rendered. */
    Class<C> configType();

    /** One sentence for the schema and the editor. */
    String description();

    /**
     * Checks what the schema cannot, on the config as written (expressions not yet rendered).
     *
     * @param config the config as written
     * @param problems where to report, relative to the step
     */
    default void check(C config, Problems problems) {
    }

    /**
     * Top-level config fields that are not rendered before the step runs but reach
     * {@link #run} as written, because they are evaluated once per row with {@code row} bound
     * ({@link StepCall#render}): a transform's columns and filter.
     */
    default java.util.Set<String> perRowFields() {
        return java.util.Set.of();
    }

    /**
     * Runs the step once (once per item under {@code forEach}).
     *
     * @return the step's output, made of JSON values (maps, lists, strings, numbers, booleans)
     * @throws StepException for failures the kind has classified; anything else is unclassified
     */
    Object run(C config, StepCall call) throws Exception;
}
