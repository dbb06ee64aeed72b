package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.runtime.config.CaravanConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The housekeeping route removes what retention lets go — an ended execution's row, step runs,
 * context and files — and nothing else: not a job's executions that it keeps longer, not
 * running ones, not the job's definition.
 */
class HousekeepingIT {

    private static final String SHORT = """
            {"id": "short", "steps": [{"id": "say", "type": "log", "message": "writing"},
              {"id": "out", "type": "csv.write", "rows": [{"a": 1}], "file": "out.csv"}]}""";
    private static final String KEPT = """
            {"id": "kept", "retention": "P1D", "steps": [{"id": "say", "type": "log", "message": "writing"},
              {"id": "out", "type": "csv.write", "rows": [{"a": 1}], "file": "out.csv"}]}""";

    @Test
    void endedExecutionsPastTheirRetentionGoWithTheirObjectsAndNothingElseDoes() throws Exception {
        Path dir = Files.createTempDirectory("caravan-it");
        try (TestNode node = TestNode.wrap(Caravan.start(CaravanConfig.from(Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(TestNode.freePort()),
                "CARAVAN_DATA_DIR", dir.toString(),
                "CARAVAN_ADMIN_TOKEN", TestNode.TOKEN,
                "CARAVAN_RETENTION", "PT4S",
                "CARAVAN_HOUSEKEEPING_INTERVAL", "PT1S"))), dir)) {
            TestNode.expect(node.call("POST", "/api/v1/jobs", SHORT), 201);
            TestNode.expect(node.call("POST", "/api/v1/jobs", KEPT), 201);
            String gone = node.run("short", null);
            String kept = node.run("kept", null);
            assertThat(node.awaitEnd(gone).get("status").asText()).isEqualTo("SUCCESS");
            assertThat(node.awaitEnd(kept).get("status").asText()).isEqualTo("SUCCESS");
            assertThat(node.text("jobs/short/executions/" + gone + "/files/out.csv")).isNotEmpty();
            // an execution older than the retention that another node runs (under a lease this one will not take)
            node.sql("insert into executions (id, job_id, status, trigger, total_steps, context_path, node_id,"
                    + " lease_epoch, lease_expires_at, created_at, started_at) values (gen_random_uuid(), 'elsewhere',"
                    + " 'RUNNING', '{}'::jsonb, 1, 'x', 'other-node', 1, now() + interval '1 hour',"
                    + " now() - interval '1 day', now() - interval '1 day')");

            assertThat(node.query("select count(*) from executions where id = ?::uuid", gone)).containsExactly("1");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> node.query(
                    "select count(*) from execution_logs where execution_id = ?::uuid", gone).equals(List.of("1")));
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() ->
                    node.query("select count(*) from executions where id = ?::uuid", gone).equals(List.of("0")));

            assertThat(node.query("select count(*) from step_runs where execution_id = ?::uuid", gone)).containsExactly("0");
            assertThat(node.query("select count(*) from execution_logs where execution_id = ?::uuid", gone))
                    .containsExactly("0");
            assertThat(node.query("select count(*) > 0 from execution_logs where execution_id = ?::uuid", kept))
                    .containsExactly("t");
            assertThat(node.object("jobs/short/executions/" + gone + "/context.json")).isNull();
            assertThat(node.object("jobs/short/executions/" + gone + "/files/out.csv")).isNull();
            TestNode.expect(node.call("GET", "/api/v1/executions/" + gone, null), 404);

            assertThat(node.query("select count(*) from executions where id = ?::uuid", kept)).containsExactly("1");
            assertThat(node.query("select count(*) from step_runs where execution_id = ?::uuid", kept)).containsExactly("2");
            assertThat(node.object("jobs/kept/executions/" + kept + "/context.json")).isNotNull();
            assertThat(node.text("jobs/kept/executions/" + kept + "/files/out.csv")).isNotEmpty();
            assertThat(node.query("select count(*) from executions where job_id = 'elsewhere' and status = 'RUNNING'"))
                    .containsExactly("1");
            assertThat(node.object("jobs/short/definition.json")).isNotNull();
            TestNode.expect(node.call("GET", "/api/v1/jobs/short", null), 200);
        } finally {
            TestNode.deleteTree(dir);
        }
    }
}
