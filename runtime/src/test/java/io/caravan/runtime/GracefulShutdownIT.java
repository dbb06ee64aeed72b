package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that stops cleanly lets its running step end, checkpoints it and hands the execution
 * over: the next node continues it from the following step at once, without waiting for a lease
 * to expire and without running the finished step again.
 */
class GracefulShutdownIT {

    @Test
    void aStoppingNodeHandsItsExecutionOverAfterTheCurrentStep(@TempDir Path dir) throws Exception {
        int port = TestNode.freePort();
        String id;
        try (Stub stub = new Stub()) {
            TestNode first = TestNode.start(dir, port);
            assertThat(first.call("POST", "/api/v1/jobs", """
                    {"id": "handover", "steps": [
                      {"id": "wait", "type": "http", "url": "%s"},
                      {"id": "after", "type": "set", "variables": {"continued": true}}]}"""
                    .formatted(stub.url("/hold/handover"))).statusCode()).isEqualTo(201);
            id = first.run("handover", null);
            assertThat(stub.awaitArrival("handover")).isTrue();

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(first::close);
            Thread.sleep(300); // the node is stopping while its step waits
            stub.release("handover");
            stopping.get(60, TimeUnit.SECONDS);
        }
        try (TestNode second = TestNode.start(dir, port)) {
            JsonNode done = second.awaitEnd(id);
            assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
            assertThat(done.get("steps")).extracting(s -> s.get("id").asText() + "=" + s.get("attempts").asInt())
                    .containsExactly("wait=1", "after=1");
            assertThat(second.object(done.get("context_path").asText()).at("/variables/continued").asBoolean())
                    .isTrue();
        }
    }
}
