package io.caravan.job.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Set;
import org.quartz.CronExpression;

/**
 * What the schema cannot say about a job's triggers: a schedule's cron parses as Quartz will
 * parse it, its time zone exists, its misfire policy is one of the known ones.
 */
final class TriggerChecks {

    static final Set<String> MISFIRE = Set.of("skip", "fire-once");

    private TriggerChecks() {
    }

    static void check(JsonNode triggers, Problems problems) {
        if (triggers == null || !triggers.isArray()) {
            return;
        }
        for (int i = 0; i < triggers.size(); i++) {
            JsonNode trigger = triggers.get(i);
            if ("schedule".equals(trigger.path("type").asText())) {
                schedule(trigger, problems.at("[" + i + "]"));
            }
        }
    }

    private static void schedule(JsonNode schedule, Problems at) {
        JsonNode cron = schedule.get("cron");
        if (cron != null && cron.isTextual()) {
            try {
                new CronExpression(cron.asText());
            } catch (ParseException e) {
                at.add(".cron", "'" + cron.asText() + "' is not a Quartz cron expression (seconds minutes hours"
                        + " day-of-month month day-of-week [year], e.g. '0 0/5 * * * ?'): " + e.getMessage());
            }
        }
        JsonNode zone = schedule.get("timezone");
        if (zone != null && zone.isTextual()) {
            try {
                ZoneId.of(zone.asText());
            } catch (DateTimeException e) {
                at.add(".timezone", "'" + zone.asText() + "' is not a time zone; write Area/City, e.g. Europe/Berlin");
            }
        }
        JsonNode misfire = schedule.get("misfire");
        if (misfire != null && misfire.isTextual() && !MISFIRE.contains(misfire.asText())) {
            at.add(".misfire", "must be skip or fire-once, got '" + misfire.asText() + "'");
        }
    }
}
