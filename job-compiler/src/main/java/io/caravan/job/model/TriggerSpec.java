package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/** Something that starts a job on its own. Triggers only enqueue executions (DESIGN §5). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TriggerSpec.Schedule.class, name = "schedule"),
    @JsonSubTypes.Type(value = TriggerSpec.Webhook.class, name = "webhook"),
    @JsonSubTypes.Type(value = TriggerSpec.Sftp.class, name = "sftp")
})
public sealed interface TriggerSpec {

    /** The trigger kinds by their {@code type} value, for the schema. */
    Map<String, Class<? extends TriggerSpec>> KINDS = Map.of(
            "schedule", Schedule.class, "webhook", Webhook.class, "sftp", Sftp.class);

    /** A cron schedule. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Schedule(
            @JsonProperty(required = true) @JsonPropertyDescription("Quartz cron expression, seconds first.") String cron,
            @JsonPropertyDescription("Time zone, Area/City; default UTC.") String timezone,
            @JsonPropertyDescription("Parameters of the run; may use {{ trigger.* }}.") Map<String, Object> params,
            @JsonPropertyDescription("skip: drop missed fires; fire-once: run once for all missed fires.") String misfire)
            implements TriggerSpec {
    }

    /** A signed webhook at {@code POST /hooks/{job_id}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Webhook(
            @JsonPropertyDescription("Signing secret, usually {{ secrets.name }}.") String secret,
            @JsonPropertyDescription("Signature dialect: standard or github; default both.") String signature,
            @JsonPropertyDescription("Requests allowed per period.") RateLimit rateLimit,
            @JsonPropertyDescription("async (default): answer 202 at once; sync: answer with the result.") String respond,
            @JsonPropertyDescription("With respond sync: the step whose output is the answer; default the last step.")
            String responseStep)
            implements TriggerSpec {
    }

    /** A file dropped into an SFTP directory. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Sftp(
            @JsonProperty(required = true) @JsonPropertyDescription("Name of an sftp connection.") String connection,
            @JsonProperty(required = true) @JsonPropertyDescription("Directory to watch: '/inbox' from the server's root, 'inbox' under"
                    + " the login directory, as in sftp steps.") String directory,
            @JsonPropertyDescription("Glob of file names to take.") String include,
            @JsonPropertyDescription("Whether to look into subdirectories too; default false.") Boolean recursive,
            @JsonPropertyDescription("What to do with a file once taken: move, delete or keep.") String after,
            @JsonPropertyDescription("Directory to move taken files to.") String moveTo)
            implements TriggerSpec {
    }

    /** A rate limit: so many requests per ISO-8601 period. */
    record RateLimit(
            @JsonProperty(required = true) Integer requests,
            @JsonProperty(required = true) @JsonPropertyDescription("ISO-8601 duration, e.g. PT1M.") String per) {
    }
}
