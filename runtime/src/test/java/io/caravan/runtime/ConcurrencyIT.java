package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A job's concurrency limit, with each onLimit, on a node with more workers than the limit. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrencyIT {

    private TestNode node;
    private Stub stub;

    @BeforeAll
    void start() throws Exception {
        stub = new Stub();
        node = TestNode.start(4);
    }

    @AfterAll
    void stop() {
        node.close();
        stub.close();
    }

    @Test
    void queueRunsOneAtATimeWhileTheRestWait() throws Exception {
        create("one-at-a-time", "queue", "/hold/queued");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(node.run("one-at-a-time", null));
        }
        assertThat(stub.awaitArrival("queued")).isTrue();
        Thread.sleep(700); // idle workers poll: none may start a second one
        JsonNode queue = node.json(node.call("GET", "/api/v1/queue", null));
        assertThat(queue.get("jobs")).extracting(j -> j.get("job_id").asText() + " running=" + j.get("running").asInt()
                + " queued=" + j.get("queued").asInt()).containsExactly("one-at-a-time running=1 queued=2");

        stub.release("queued");
        List<Instant[]> spans = new ArrayList<>();
        for (String id : ids) {
            JsonNode done = node.awaitEnd(id);
            assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
            spans.add(new Instant[] {Instant.parse(done.get("started_at").asText()),
                    Instant.parse(done.get("completed_at").asText())});
        }
        spans.sort((a, b) -> a[0].compareTo(b[0]));
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i)[0]).as("run %d starts after run %d ended", i, i - 1)
                    .isAfterOrEqualTo(spans.get(i - 1)[1]);
        }
    }

    @Test
    void skipRefusesARunOverTheLimit() throws Exception {
        create("skipping", "skip", "/hold/skipping");
        String first = node.run("skipping", null);
        assertThat(stub.awaitArrival("skipping")).isTrue();
        var refused = node.call("POST", "/api/v1/jobs/skipping/executions", "{}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(node.json(refused).get("detail").asText()).contains("concurrency limit of 1");
        stub.release("skipping");
        assertThat(node.awaitEnd(first).get("status").asText()).isEqualTo("SUCCESS");
    }

    @Test
    void cancelOldestMakesRoomForTheNewRun() throws Exception {
        create("newest-wins", "cancel-oldest", "/hold/newest");
        String oldest = node.run("newest-wins", null);
        assertThat(stub.awaitArrival("newest")).isTrue();
        String newest = node.run("newest-wins", null);
        stub.release("newest");
        assertThat(node.awaitEnd(oldest).get("status").asText()).isEqualTo("CANCELLED");
        assertThat(node.awaitEnd(newest).get("status").asText()).isEqualTo("SUCCESS");
    }

    private void create(String id, String onLimit, String holdPath) throws Exception {
        var r = node.call("POST", "/api/v1/jobs", """
                {"id": "%s", "concurrency": {"limit": 1, "onLimit": "%s"}, "steps": [
                  {"id": "wait", "type": "http", "url": "%s"},
                  {"id": "after", "type": "log", "message": "done"}]}""".formatted(id, onLimit, stub.url(holdPath)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
}
