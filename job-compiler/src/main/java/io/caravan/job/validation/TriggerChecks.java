package io.caravan.job.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Set;
import org.quartz.CronExpression;

/**
 * What the schema cannot say about a job's triggers: a schedule's cron parses as Quartz will
 * parse it, its time zone exists, its misfire policy is one of the known ones; a webhook has a
 * secret and a known signature dialect.
 */
final class TriggerChecks {

    static final Set<String> MISFIRE = Set.of("skip", "fire-once");
    static final int MIN_KEY_BYTES = 16;
    private static final java.util.regex.Pattern STORED_SECRET =
            java.util.regex.Pattern.compile("\\{\\{\\s*secrets\\.[A-Za-z][A-Za-z0-9_]*\\s*}}");

    private TriggerChecks() {
    }

    static void check(JsonNode triggers, Set<String> stepIds, Problems problems) {
        if (triggers == null || !triggers.isArray()) {
            return;
        }
        for (int i = 0; i < triggers.size(); i++) {
            JsonNode trigger = triggers.get(i);
            if ("schedule".equals(trigger.path("type").asText())) {
                schedule(trigger, problems.at("[" + i + "]"));
            } else if ("webhook".equals(trigger.path("type").asText())) {
                webhook(trigger, stepIds, problems.at("[" + i + "]"));
            } else if ("sftp".equals(trigger.path("type").asText())) {
                sftp(trigger, problems.at("[" + i + "]"));
            }
        }
    }

    /**
     * The directory, glob and move target become parts of a Camel endpoint URI and of remote
     * paths: characters that would end a URI part and add options ({@code ? & #}), control
     * characters and {@code ..} segments are refused rather than escaped.
     */
    private static void sftp(JsonNode sftp, Problems at) {
        JsonNode after = sftp.get("after");
        if (after != null && after.isTextual() && !Set.of("move", "delete", "keep").contains(after.asText())) {
            at.add(".after", "must be move, delete or keep, got '" + after.asText() + "'");
        }
        for (String field : new String[] {"directory", "include", "moveTo"}) {
            JsonNode value = sftp.get(field);
            if (value == null || !value.isTextual()) {
                continue;
            }
            String text = value.asText();
            if (text.chars().anyMatch(c -> c == '?' && !field.equals("include") || c == '&' || c == '#' || c < 0x20
                    || c == 0x7f)) {
                at.add("." + field, "must not hold " + (field.equals("include") ? "" : "?, ") + "&, # or control"
                        + " characters, got '" + text.replaceAll("\\p{Cntrl}", "?") + "'");
            } else if (java.util.Arrays.asList(text.split("[/\\\\]")).contains("..")) {
                at.add("." + field, "must not climb with '..', got '" + text + "'");
            }
        }
    }

    /** An unsigned webhook would let anyone start the job: a secret is required. */
    private static void webhook(JsonNode webhook, Set<String> stepIds, Problems at) {
        JsonNode step = webhook.get("responseStep");
        if (step != null && step.isTextual() && !stepIds.contains(step.asText())) {
            at.add(".responseStep", "no step '" + step.asText() + "' in this job");
        }
        JsonNode secret = webhook.get("secret");
        String text = secret != null && secret.isTextual() ? secret.asText() : "";
        if (text.isBlank()) {
            at.add(".secret", "a webhook needs a secret to check its callers' signatures");
        } else if (text.contains("{{")) {
            if (!STORED_SECRET.matcher(text).matches()) {
                at.add(".secret", "write the secret itself or exactly {{ secrets.<name> }}");
            }
        } else if (text.startsWith("whsec_")) {
            try {
                if (java.util.Base64.getDecoder().decode(text.substring("whsec_".length())).length < MIN_KEY_BYTES) {
                    at.add(".secret", "a whsec_ secret must decode to at least " + MIN_KEY_BYTES + " bytes");
                }
            } catch (IllegalArgumentException e) {
                at.add(".secret", "a whsec_ secret must be base64 after the prefix");
            }
        } else if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
            at.add(".secret", "must be at least " + MIN_KEY_BYTES + " bytes: a short secret can be guessed");
        }
        JsonNode respond = webhook.get("respond");
        if (respond != null && respond.isTextual() && !Set.of("async", "sync").contains(respond.asText())) {
            at.add(".respond", "must be async or sync, got '" + respond.asText() + "'");
        }
        JsonNode signature = webhook.get("signature");
        if (signature != null && signature.isTextual() && !Set.of("standard", "github").contains(signature.asText())) {
            at.add(".signature", "must be standard or github (or left out for both), got '" + signature.asText() + "'");
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
