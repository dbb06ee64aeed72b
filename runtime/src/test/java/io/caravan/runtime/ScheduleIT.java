package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schedules on camel-quartz's clustered store: fires enqueue runs, follow the job's changes, keep their time zone. */
class ScheduleIT extends OneNode {

    @Test
    void aScheduleEnqueuesOneRunPerFireWithItsTimesAndStopsWhenTheJobIsDisabled() throws Exception {
        create("ticking", """
                {"id": "ticking", "params": {"at": {"type": "string", "required": true}},
                 "triggers": [{"type": "schedule", "cron": "* * * * * ?", "params": {"at": "{{ trigger.scheduled_at }}"}}],
                 "steps": [{"id": "say", "type": "log", "message": "fired for {{ params.at }}"}]}""");
        await().atMost(Duration.ofSeconds(15)).until(() -> fires("ticking").size() >= 3);

        List<String> fires = fires("ticking");
        assertThat(fires).as("one run per scheduled second").doesNotHaveDuplicates();
        assertThat(fires).allSatisfy(at -> assertThat(Instant.parse(at).getNano()).isZero());
        String id = node.query("select id::text from executions where job_id = 'ticking' order by created_at limit 1").get(0);
        JsonNode done = node.awaitEnd(id);
        assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/execution/trigger/type").asText()).isEqualTo("schedule");
        assertThat(context.at("/params/at").asText()).as("params rendered from the trigger")
                .isEqualTo(context.at("/execution/trigger/scheduled_at").asText());
        assertThat(Instant.parse(context.at("/execution/trigger/fired_at").asText()))
                .isAfterOrEqualTo(Instant.parse(context.at("/execution/trigger/scheduled_at").asText()));

        assertThat(node.call("PUT", "/api/v1/jobs/ticking", """
                {"id": "ticking", "enabled": false, "params": {"at": {"type": "string", "required": true}},
                 "triggers": [{"type": "schedule", "cron": "* * * * * ?", "params": {"at": "{{ trigger.scheduled_at }}"}}],
                 "steps": [{"id": "say", "type": "log", "message": "fired for {{ params.at }}"}]}""").statusCode())
                .isEqualTo(200);
        assertThat(triggers("ticking")).as("a disabled job's trigger is unscheduled").isEmpty();
        int before = fires("ticking").size();
        Thread.sleep(2_500);
        assertThat(fires("ticking").size()).as("no fire once disabled (one may have been under way)")
                .isLessThanOrEqualTo(before + 1);
    }

    @Test
    void aScheduleFiresInItsTimeZoneAndLeavesWithItsJob() throws Exception {
        create("nightly", """
                {"id": "nightly", "triggers": [{"type": "schedule", "cron": "0 0 3 * * ?", "timezone": "America/New_York",
                  "misfire": "skip"}],
                 "steps": [{"id": "say", "type": "log", "message": "night"}]}""");
        ZonedDateTime now = ZonedDateTime.now(ZoneId.of("America/New_York"));
        ZonedDateTime next = now.withHour(3).withMinute(0).withSecond(0).withNano(0);
        if (!next.isAfter(now)) {
            next = next.plusDays(1);
        }
        assertThat(node.query("select t.next_fire_time || ' ' || c.time_zone_id || ' ' || t.misfire_instr"
                + " from qrtz_triggers t join qrtz_cron_triggers c using (sched_name, trigger_name, trigger_group)"
                + " where t.trigger_name = 'nightly.schedule.0'"))
                .containsExactly(next.toInstant().toEpochMilli() + " America/New_York 2");

        // a new time zone alone is applied too (camel-quartz itself compares only the cron)
        assertThat(node.call("PUT", "/api/v1/jobs/nightly", """
                {"id": "nightly", "triggers": [{"type": "schedule", "cron": "0 0 3 * * ?", "timezone": "Asia/Tokyo"}],
                 "steps": [{"id": "say", "type": "log", "message": "night"}]}""").statusCode()).isEqualTo(200);
        assertThat(node.query("select time_zone_id from qrtz_cron_triggers where trigger_name = 'nightly.schedule.0'"))
                .containsExactly("Asia/Tokyo");

        assertThat(node.call("DELETE", "/api/v1/jobs/nightly", null).statusCode()).isEqualTo(204);
        assertThat(triggers("nightly")).as("a deleted job's trigger is unscheduled cluster-wide").isEmpty();
        assertThat(node.caravan.camel().getRoute("job.nightly.schedule.0")).isNull();
    }

    @Test
    void aFireWhoseParametersDoNotFitIsKeptAsAFailedExecutionSayingWhy() throws Exception {
        var refused = node.call("POST", "/api/v1/jobs", """
                {"id": "unfit", "params": {"day": {"type": "string", "required": true}},
                 "triggers": [{"type": "schedule", "cron": "* * * * * ?"}],
                 "steps": [{"id": "say", "type": "log", "message": "{{ params.day }}"}]}""");
        assertThat(refused.statusCode()).as("a schedule that cannot give a required parameter is refused when saved")
                .isEqualTo(400);
        assertThat(refused.body()).contains("$.triggers[0].params", "'day' is required");
        // what only the fire can tell: a templated value that does not fit
        create("unfit", """
                {"id": "unfit", "params": {"day": {"type": "integer", "required": true}},
                 "triggers": [{"type": "schedule", "cron": "* * * * * ?", "params": {"day": "{{ trigger.scheduled_at }}"}}],
                 "steps": [{"id": "say", "type": "log", "message": "{{ params.day }}"}]}""");
        await().atMost(Duration.ofSeconds(10)).until(() -> !fires("unfit").isEmpty());
        assertThat(node.call("DELETE", "/api/v1/jobs/unfit", null).statusCode()).isEqualTo(204);
        assertThat(node.query("select distinct status || ' ' || error_type from executions where job_id = 'unfit'"))
                .containsExactly("FAILED params");
        assertThat(node.query("select error_message from executions where job_id = 'unfit' limit 1").get(0))
                .contains("day");
    }

    @Test
    void theStoreHoldsOneExecutionPerFire() throws Exception {
        String fire = "'{\"type\": \"schedule\", \"schedule\": 0, \"scheduled_at\": \"2026-01-01T00:00:00Z\"}'";
        String insert = "insert into executions (id, job_id, status, trigger, total_steps, context_path) values"
                + " (gen_random_uuid(), 'any', 'QUEUED', " + fire + "::jsonb, 1, 'x')";
        node.sql(insert);
        assertThatThrownBy(() -> node.sql(insert)).hasMessageContaining("executions_schedule_fire");
    }

    private void create(String id, String document) throws Exception {
        var created = node.call("POST", "/api/v1/jobs", document);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private List<String> fires(String jobId) throws Exception {
        return node.query("select trigger ->> 'scheduled_at' from executions where job_id = ?"
                + " and trigger ->> 'type' = 'schedule' order by 1", jobId);
    }

    private List<String> triggers(String jobId) throws Exception {
        return node.query("select trigger_name from qrtz_triggers where trigger_name like ?", jobId + ".schedule.%");
    }
}
