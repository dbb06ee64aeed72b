package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job document (DESIGN §2): parameters, triggers and ordered steps.
 * This record is the source of truth for the job's JSON Schema.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDefinition(
        @JsonProperty(required = true)
        @JsonPropertyDescription("Unique, immutable id: lower-case letters, digits and '-', at most 63 characters.")
        String id,
        @JsonPropertyDescription("The namespace the job belongs to, with its connections and secrets; default"
                + " 'default'. The id is unique within its namespace; elsewhere the job is named '<namespace>.<id>'.")
        String namespace,
        @JsonPropertyDescription("A human-readable name.") String name,
        @JsonPropertyDescription("What the job does.") String description,
        @JsonPropertyDescription("Free tags, for search.") List<String> tags,
        @JsonPropertyDescription("One category, for browsing and search (e.g. finance, ops).") String category,
        @JsonPropertyDescription("A template does not run and has no active triggers: it is instantiated into new jobs"
                + " (POST /api/v1/jobs/{id}/instantiate). Default false.") Boolean template,
        @JsonPropertyDescription("A disabled job keeps its definition but does not run. Default true.") Boolean enabled,
        @JsonPropertyDescription("Parameters by name; read in expressions as params.<name>.")
        Map<String, ParamSpec> params,
        @JsonPropertyDescription("What starts the job besides a manual run.") List<TriggerSpec> triggers,
        @JsonPropertyDescription("How many executions of this job may run at once.") Concurrency concurrency,
        @JsonPropertyDescription("Job timeout as an ISO-8601 duration, e.g. PT30M.") String timeout,
        @JsonPropertyDescription("Defaults for every step: retry and timeout.") StepDefaults defaults,
        @JsonPropertyDescription("How long an ended execution of this job is kept (its row, step runs, context and"
                + " files), as an ISO-8601 duration, e.g. P7D; default the node's CARAVAN_RETENTION (P30D).")
        String retention,
        @JsonProperty(required = true)
        @JsonPropertyDescription("The steps, run in order.")
        List<StepSpec> steps) {

    /** The pattern a job id must match. */
    public static final String ID_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}$";

    public JobDefinition {
        tags = tags == null ? List.of() : List.copyOf(tags);
        params = params == null ? Map.of() : new LinkedHashMap<>(params);
        triggers = triggers == null ? List.of() : List.copyOf(triggers);
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** The namespace, {@link Namespaces#DEFAULT} when none is given. */
    public String namespaceOrDefault() {
        return namespace == null ? Namespaces.DEFAULT : namespace;
    }

    /**
     * The job's key, unique across namespaces: its id in the default namespace, else
     * {@code <namespace>.<id>} (ids hold no '.', so the two cannot collide). The job's route,
     * storage, queue rows and webhooks all use the key.
     */
    public String key() {
        return Namespaces.key(namespaceOrDefault(), id);
    }

    /** This job as the node runs it: its id replaced by its {@link #key()}. */
    public JobDefinition keyed() {
        String key = key();
        return key.equals(id) ? this : new JobDefinition(key, namespace, name, description, tags, category, template,
                enabled, params, triggers, concurrency, timeout, defaults, retention, steps);
    }

    /** Whether the job may run; absent means enabled. */
    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    /** Whether this job is a template, instantiated into jobs rather than run. */
    public boolean isTemplate() {
        return template != null && template;
    }

    /** Whether the job runs at all: enabled and not a template. Its triggers are active only then. */
    public boolean runs() {
        return isEnabled() && !isTemplate();
    }

    /** The display name: {@link #name()} or else the id. */
    public String displayName() {
        return name == null || name.isBlank() ? id : name;
    }
}
