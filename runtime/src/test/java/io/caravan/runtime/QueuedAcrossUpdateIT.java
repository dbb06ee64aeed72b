package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Executions that wait in the queue, on a node with one worker that a held run keeps busy: one
 * queued across an update runs the new version (its parameters checked again), one cancelled
 * while queued never runs.
 */
class QueuedAcrossUpdateIT {

    @Test
    void anExecutionQueuedBeforeAnUpdateHasItsParamsCheckedAgainstTheVersionItRuns() throws Exception {
        try (Stub stub = new Stub(); TestNode node = TestNode.start(1)) {
            assertThat(node.call("POST", "/api/v1/jobs", """
                    {"id": "reparam", "steps": [{"id": "wait", "type": "http", "url": "%s"}]}"""
                    .formatted(stub.url("/hold/reparam"))).statusCode()).isEqualTo(201);
            String first = node.run("reparam", null);
            assertThat(stub.awaitArrival("reparam")).isTrue();
            String queued = node.run("reparam", null);
            assertThat(node.call("PUT", "/api/v1/jobs/reparam", """
                    {"id": "reparam", "params": {"day": {"type": "string", "required": true}},
                     "steps": [{"id": "say", "type": "log", "message": "{{ params.day }}"}]}""").statusCode())
                    .isEqualTo(200);
            stub.release("reparam");

            JsonNode one = node.awaitEnd(first);
            assertThat(one.get("status").asText()).isEqualTo("SUCCESS");
            assertThat(one.get("job_version").asInt()).isEqualTo(1);
            JsonNode two = node.awaitEnd(queued);
            assertThat(two.get("status").asText()).isEqualTo("FAILED");
            assertThat(two.get("job_version").asInt()).isEqualTo(1); // it never ran
            assertThat(two.at("/errors/0/type").asText()).isEqualTo("params");
            assertThat(two.at("/errors/0/message").asText()).contains("version 2").contains("$.params.day is required");
        }
    }

    @Test
    void aQueuedExecutionCancelledNeverRuns() throws Exception {
        try (Stub stub = new Stub(); TestNode node = TestNode.start(1)) {
            assertThat(node.call("POST", "/api/v1/jobs", """
                    {"id": "busy", "steps": [{"id": "wait", "type": "http", "url": "%s"}]}"""
                    .formatted(stub.url("/hold/busy"))).statusCode()).isEqualTo(201);
            String first = node.run("busy", null);
            assertThat(stub.awaitArrival("busy")).isTrue();
            String queued = node.run("busy", null);

            var cancel = node.call("POST", "/api/v1/executions/" + queued + "/cancel", null);
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
            assertThat(node.json(cancel).get("status").asText()).isEqualTo("CANCELLED");
            stub.release("busy");

            assertThat(node.awaitEnd(first).get("status").asText()).isEqualTo("SUCCESS");
            Thread.sleep(700); // a worker is free again: it must not pick the cancelled one up
            JsonNode cancelled = node.json(node.call("GET", "/api/v1/executions/" + queued, null));
            assertThat(cancelled.get("status").asText()).isEqualTo("CANCELLED");
            assertThat(cancelled.get("steps")).isEmpty();
        }
    }

    @Test
    void aHigherPriorityRunsFirstAndTheQueueIsCounted() throws Exception {
        try (Stub stub = new Stub(); TestNode node = TestNode.start(1)) {
            assertThat(node.call("POST", "/api/v1/jobs", """
                    {"id": "ordered", "steps": [{"id": "wait", "type": "http", "url": "%s"}]}"""
                    .formatted(stub.url("/hold/ordered"))).statusCode()).isEqualTo(201);
            assertThat(node.call("POST", "/api/v1/jobs", """
                    {"id": "marker", "steps": [{"id": "s", "type": "log", "message": "m"}]}""").statusCode())
                    .isEqualTo(201);
            String first = node.run("ordered", null);
            assertThat(stub.awaitArrival("ordered")).isTrue();
            String low = node.json(node.call("POST", "/api/v1/jobs/marker/executions", "{\"priority\": -5}"))
                    .get("id").asText();
            String normal = node.run("marker", null);
            String high = node.json(node.call("POST", "/api/v1/jobs/marker/executions", "{\"priority\": 10}"))
                    .get("id").asText();
            assertThat(node.call("POST", "/api/v1/jobs/marker/executions", "{\"priority\": 1.5}").statusCode())
                    .isEqualTo(400);

            JsonNode queue = node.json(node.call("GET", "/api/v1/queue", null));
            assertThat(queue.get("jobs")).extracting(j -> j.get("job_id").asText() + " queued=" + j.get("queued").asInt()
                    + " running=" + j.get("running").asInt()).containsExactly("marker queued=3 running=0",
                    "ordered queued=0 running=1");
            assertThat(queue.get("nodes")).extracting(n -> n.get("running").asInt()).containsExactly(1);

            stub.release("ordered");
            node.awaitEnd(first);
            java.time.Instant highAt = java.time.Instant.parse(node.awaitEnd(high).get("started_at").asText());
            java.time.Instant normalAt = java.time.Instant.parse(node.awaitEnd(normal).get("started_at").asText());
            java.time.Instant lowAt = java.time.Instant.parse(node.awaitEnd(low).get("started_at").asText());
            assertThat(highAt).isBefore(normalAt);
            assertThat(normalAt).isBefore(lowAt);
            assertThat(node.json(node.call("GET", "/api/v1/executions/" + high, null)).get("priority").asInt())
                    .isEqualTo(10);
        }
    }
}
