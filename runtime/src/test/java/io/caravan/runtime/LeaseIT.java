package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Leases: an execution whose node died (lease expired) is taken over and continues from its
 * checkpoint; a node whose lease was taken over has every further write refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaseIT {

    private TestNode node;
    private Stub stub;

    @BeforeAll
    void start() throws Exception {
        stub = new Stub();
        node = TestNode.start();
    }

    @AfterAll
    void stop() {
        node.close();
        stub.close();
    }

    @Test
    void anExecutionLeftRunningByADeadNodeContinuesFromItsCheckpoint() throws Exception {
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "recover", "steps": [
                  {"id": "a", "type": "set", "variables": {"x": 1}},
                  {"id": "b", "type": "set", "variables": {"y": "{{ variables.x + 1 }}"}},
                  {"id": "c", "type": "log", "message": "y={{ variables.y }}"}]}""").statusCode()).isEqualTo(201);
        UUID id = UUID.randomUUID();
        String path = "jobs/recover/executions/" + id + "/context.json";
        String doneAt = Instant.now().minusSeconds(60).toString();
        putCheckpoint(path, id, doneAt);
        node.sql("insert into executions (id, job_id, job_version, status, trigger, params, total_steps, context_path,"
                + " node_id, started_at, lease_epoch, lease_expires_at) values (?, 'recover', 1, 'RUNNING',"
                + " '{\"type\": \"manual\"}', '{}', 3, ?, 'dead-node', now() - interval '1 minute', 4,"
                + " now() - interval '1 second')", id, path);
        node.sql("insert into step_runs (execution_id, step_id, attempt, status, started_at, completed_at)"
                + " values (?, 'a', 1, 'SUCCESS', now() - interval '1 minute', now() - interval '1 minute')", id);

        JsonNode done = node.awaitEnd(id.toString());

        assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(done.get("steps")).extracting(s -> s.get("id").asText() + "=" + s.get("attempts").asInt())
                .containsExactly("a=1", "b=1", "c=1");
        JsonNode context = node.object(path);
        assertThat(context.at("/steps/a/started_at").asText()).as("a completed step is not run again").isEqualTo(doneAt);
        assertThat(context.at("/steps/c/output/message").asText()).isEqualTo("y=2");
        assertThat(node.query("select node_id || ' ' || lease_epoch from executions where id = ?", id))
                .containsExactly(node.caravan.nodeId() + " 5");
    }

    @Test
    void aNodeWhoseLeaseWasTakenOverHasItsWritesRefused() throws Exception {
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "fenced", "steps": [
                  {"id": "wait", "type": "http", "url": "%s"},
                  {"id": "after", "type": "log", "message": "stale"}]}""".formatted(stub.url("/hold/fenced")))
                .statusCode()).isEqualTo(201);
        UUID id = UUID.fromString(node.run("fenced", null));
        assertThat(stub.awaitArrival("fenced")).isTrue();
        node.sql("update executions set node_id = 'other-node', lease_epoch = lease_epoch + 1,"
                + " lease_expires_at = now() + interval '1 hour' where id = ?", id);

        stub.release("fenced");
        Thread.sleep(1500);

        assertThat(node.query("select status || ' ' || node_id from executions where id = ?", id))
                .containsExactly("RUNNING other-node");
        assertThat(node.query("select step_id || ' ' || status || ' ' || (completed_at is null) from step_runs"
                + " where execution_id = ? order by started_at", id))
                .as("no write of the stale node was accepted").containsExactly("wait RUNNING true");
    }

    private void putCheckpoint(String path, UUID id, String at) throws Exception {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("status", "SUCCESS");
        a.put("attempts", 1);
        a.put("started_at", at);
        a.put("completed_at", at);
        a.put("output", Map.of("x", 1));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("execution", Map.of("id", id.toString(), "job_id", "recover", "job_version", 1,
                "trigger", Map.of("type", "manual")));
        context.put("params", Map.of());
        context.put("variables", Map.of("x", 1));
        context.put("steps", Map.of("a", a));
        context.put("files", List.of());
        byte[] bytes = TestNode.JSON.writeValueAsBytes(context);
        node.caravan.objectStoreClient().putObject(PutObjectArgs.builder().bucket(node.caravan.bucket()).object(path)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }
}
