package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the embedded defaults, jobs, executions and contexts survive a restart on the same data dir. */
class RestartIT {

    @Test
    void dataSurvivesARestart(@TempDir Path dir) throws Exception {
        int port = TestNode.freePort();
        String executionId;
        String contextPath;
        try (TestNode node = TestNode.start(dir, port)) {
            assertThat(node.call("POST", "/api/v1/jobs", """
                    {"id": "kept", "steps": [
                      {"id": "t", "type": "sql", "connection": "local", "query": "create table if not exists kept (n int)"},
                      {"id": "i", "type": "sql", "connection": "local", "query": "insert into kept values (:n)",
                       "parameters": {"n": 7}},
                      {"id": "s", "type": "set", "variables": {"done": true}}]}""").statusCode()).isEqualTo(201);
            executionId = node.run("kept", null);
            JsonNode done = node.awaitEnd(executionId);
            assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
            contextPath = done.get("context_path").asText();
        }
        try (TestNode node = TestNode.start(dir, port)) {
            assertThat(node.call("GET", "/api/v1/jobs/kept", null).statusCode()).isEqualTo(200);
            assertThat(node.json(node.call("GET", "/api/v1/nodes", null)).get("items"))
                    .as("one node row, back alive after its clean stop").hasSize(1)
                    .allSatisfy(n -> assertThat(n.get("alive").asBoolean()).isTrue());
            JsonNode old = node.json(node.call("GET", "/api/v1/executions/" + executionId, null));
            assertThat(old.get("status").asText()).isEqualTo("SUCCESS");
            assertThat(node.object(contextPath).at("/variables/done").asBoolean()).isTrue();
            assertThat(node.caravan.camel().getRoute("job.kept")).as("routes are loaded at start").isNotNull();

            JsonNode again = node.awaitEnd(node.run("kept", null));
            assertThat(again.get("status").asText()).isEqualTo("SUCCESS");
            assertThat(node.call("POST", "/api/v1/jobs", """
                    {"id": "count", "steps": [{"id": "c", "type": "sql", "connection": "local",
                      "query": "select count(*) as n from kept"}]}""").statusCode()).isEqualTo(201);
            JsonNode count = node.awaitEnd(node.run("count", null));
            assertThat(node.object(count.get("context_path").asText()).at("/steps/c/output/rows/0/n").asInt())
                    .as("rows written to the local database before the restart are still there").isEqualTo(2);
        }
    }

    @Test
    void aNodeRestartedUnderItsIdContinuesWhatItsPreviousProcessLeftRunningAtOnce(@TempDir Path dir) throws Exception {
        int port = TestNode.freePort();
        java.util.UUID orphan = java.util.UUID.randomUUID();
        try (TestNode node = TestNode.start(dir, port)) {
            assertThat(node.call("POST", "/api/v1/jobs", """
                    {"id": "orphaned", "steps": [{"id": "s", "type": "set", "variables": {"done": true}}]}""")
                    .statusCode()).isEqualTo(201);
            // as a killed process leaves it: RUNNING under this node's id, its lease good for an hour more
            node.sql("insert into executions (id, job_id, job_version, status, trigger, params, total_steps,"
                    + " context_path, node_id, started_at, lease_epoch, lease_expires_at) values (?, 'orphaned', 1,"
                    + " 'RUNNING', '{\"type\": \"manual\"}', '{}', 1, 'jobs/orphaned/executions/x/context.json', ?,"
                    + " now(), 1, now() + interval '1 hour')", orphan, node.caravan.nodeId());
        }
        try (TestNode node = TestNode.start(dir, port)) {
            long t0 = System.nanoTime();
            JsonNode done = node.awaitEnd(orphan.toString());
            assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("not after the hour of its lease").isLessThan(10_000);
        }
    }
}
