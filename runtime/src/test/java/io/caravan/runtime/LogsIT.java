package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An execution's own log — what its steps log, masked, and what happened to it — read a page at
 * a time and followed as server-sent events until the execution ends; and the status events of
 * every execution as a stream.
 */
@org.junit.jupiter.api.Timeout(90)
class LogsIT extends OneNode {

    private static final String SECRET = "s3cr3t-value-123";
    private final HttpClient http = HttpClient.newHttpClient();
    private Stub stub;

    @BeforeAll
    void jobs() throws Exception {
        stub = new Stub();
        TestNode.expect(node.call("PUT", "/api/v1/secrets/api_key", "{\"value\": \"" + SECRET + "\"}"), 201);
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "logged", "steps": [
                  {"id": "say", "type": "log", "message": "calling with {{ secrets.api_key }}"},
                  {"id": "call", "type": "http", "url": "%s", "retry": {"attempts": 3, "delay": "PT0.05S"}},
                  {"id": "wait", "type": "http", "url": "%s"}]}""".formatted(stub.url("/flaky/logs"),
                stub.url("/hold/logs"))), 201);
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "quick", "steps": [{"id": "a", "type": "set", "variables": {"x": 1}}]}"""), 201);
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "chatty", "steps": [{"id": "a", "type": "log", "message": "one"},
                  {"id": "b", "type": "log", "message": "two", "level": "DEBUG"},
                  {"id": "c", "type": "log", "message": "three"},
                  {"id": "broken", "type": "http", "url": "%s"}]}""".formatted(stub.url("/fail"))), 201);
    }

    @AfterAll
    void stopStub() {
        stub.close();
    }

    @Test
    void aFollowedLogStreamsTheLinesAsTheyComeAndEndsWithTheExecution() throws Exception {
        String id = node.run("logged", null);
        CompletableFuture<HttpResponse<Stream<String>>> follow = http.sendAsync(sse("/api/v1/executions/" + id
                + "/logs?follow=true"), HttpResponse.BodyHandlers.ofLines());
        assertThat(stub.awaitArrival("logs")).isTrue(); // the execution is in its last step, the stream open
        HttpResponse<Stream<String>> response = follow.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        Iterator<String> lines = response.body().iterator();
        List<String> data = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        boolean released = false;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: {\"id\"")) {
                data.add(line);
                ids.add(TestNode.JSON.readTree(line.substring(6)).get("id").asLong());
            } else if (line.startsWith("id: ") && !released && data.size() >= 2) {
                stub.release("logs"); // the lines so far came while it ran; now let it end
                released = true;
            } else if (line.equals("event: end")) {
                break;
            }
        }
        String all = String.join("\n", data);
        assertThat(all).contains("calling with ***").doesNotContain(SECRET)
                .contains("step call attempt 1 failed").contains("step call attempt 2 failed")
                .contains("\"level\":\"WARN\",\"step\":\"call\"")
                .doesNotContain("SUCCESS"); // what succeeded is in the step runs, not repeated here
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(node.awaitEnd(id).get("status").asText()).isEqualTo("SUCCESS");
    }

    @Test
    void aPageAtATimeAndItsRefusals() throws Exception {
        String id = node.run("chatty", null);
        assertThat(node.awaitEnd(id).get("status").asText()).isEqualTo("FAILED");
        Thread.sleep(500); // the lines are written within 200 ms of being logged
        JsonNode first = TestNode.expect(node.call("GET", "/api/v1/executions/" + id + "/logs?limit=2", null), 200);
        assertThat(first.get("items")).hasSize(2);
        assertThat(first.at("/items/0/message").asText()).isEqualTo("one");
        assertThat(first.get("ended").asBoolean()).isTrue();
        JsonNode rest = TestNode.expect(node.call("GET", "/api/v1/executions/" + id + "/logs?after="
                + first.get("next_after").asLong(), null), 200);
        List<String> messages = new ArrayList<>();
        rest.get("items").forEach(i -> messages.add(i.get("level").asText() + " " + i.get("message").asText()));
        assertThat(messages.get(0)).isEqualTo("INFO three");
        assertThat(messages.get(1)).startsWith("ERROR step broken FAILED: http.");
        assertThat(messages.get(2)).isEqualTo("WARN ended FAILED");
        JsonNode quiet = TestNode.expect(node.call("GET", "/api/v1/executions/" + node.run("quick", null) + "/logs", null), 200);
        assertThat(quiet.get("items")).as("a run of steps that log nothing and succeed writes no line").isEmpty();

        HttpResponse<String> anonymous = node.call("GET", "/api/v1/executions/" + id + "/logs", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(node.call("GET", "/api/v1/executions/not-a-uuid/logs", null).statusCode()).isEqualTo(404);
        assertThat(node.call("GET", "/api/v1/executions/" + java.util.UUID.randomUUID() + "/logs", null).statusCode())
                .isEqualTo(404);
        assertThat(node.call("GET", "/api/v1/executions/" + id + "/logs?after=x", null).statusCode()).isEqualTo(400);
        String outsider = TestNode.expect(node.call("POST", "/api/v1/tokens",
                "{\"name\": \"elsewhere\", \"grants\": {\"team-b\": \"admin\"}}"), 201).get("token").asText();
        assertThat(node.call("GET", "/api/v1/executions/" + id + "/logs", null, outsider).statusCode()).isEqualTo(404);
        // the outsider's event stream opens, and carries nothing of the namespace it has no role in
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/events"))
                .header("Authorization", "Bearer " + outsider).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        try (java.io.BufferedReader outsiders = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(outsiders.readLine()).startsWith(": listening");
            Iterator<String> admins = http.send(sse("/api/v1/events"), HttpResponse.BodyHandlers.ofLines()).body().iterator();
            assertThat(admins.next()).startsWith(": listening");
            node.run("quick", null);
            boolean ended = false;
            while (!ended && admins.hasNext()) { // the admin's stream sees the run end...
                ended = admins.next().contains("\"SUCCESS\"");
            }
            Thread.sleep(300);
            StringBuilder seen = new StringBuilder();
            while (outsiders.ready()) { // ...and by then the outsider's has been sent nothing of it
                seen.append(outsiders.readLine()).append('\n');
            }
            assertThat(seen.toString()).doesNotContain("event: status");
        }
    }

    @Test
    void statusEventsOfEveryExecutionStreamAsTheyHappen() throws Exception {
        CompletableFuture<HttpResponse<Stream<String>>> events = http.sendAsync(sse("/api/v1/events?job=quick"),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> response = events.get(10, TimeUnit.SECONDS);
        Iterator<String> lines = response.body().iterator();
        assertThat(lines.next()).startsWith(": listening"); // subscribed: what happens from now on comes
        String id = node.run("quick", null);
        List<String> statuses = new ArrayList<>();
        while (lines.hasNext() && !statuses.contains("SUCCESS")) {
            String line = lines.next();
            if (line.startsWith("data: ")) {
                JsonNode event = TestNode.JSON.readTree(line.substring(6));
                assertThat(event.get("job_id").asText()).isEqualTo("quick");
                if (event.get("id").asText().equals(id)) {
                    statuses.add(event.get("status").asText());
                }
            }
        }
        assertThat(statuses).containsExactly("QUEUED", "RUNNING", "SUCCESS");
        response.body().close();
    }

    private HttpRequest sse(String path) {
        return HttpRequest.newBuilder(URI.create(node.base() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TestNode.TOKEN).header("Accept", "text/event-stream").build();
    }
}
