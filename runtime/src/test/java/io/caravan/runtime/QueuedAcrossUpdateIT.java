package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * An execution that waited in the queue while its job was updated runs the new version, so its
 * parameters are checked again against that version. One worker keeps the second run queued.
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
}
