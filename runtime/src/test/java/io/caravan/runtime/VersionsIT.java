package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A job's history: versions with author and message, diffs, rollback, tags; executions name their version. */
class VersionsIT extends OneNode {

    private static final String JOB = """
            {"id": "priced", "name": "%s", "steps": [{"id": "price", "type": "set", "variables": {"rate": %d}}%s]}""";

    @Test
    void versionsAreKeptComparedRolledBackAndTagged() throws Exception {
        assertThat(node.call("POST", "/api/v1/jobs?message=first%20cut", JOB.formatted("Priced", 3, "")).statusCode()).isEqualTo(201);
        assertThat(node.call("PUT", "/api/v1/jobs/priced?message=rate%20up", JOB.formatted("Priced", 4, "")).statusCode())
                .isEqualTo(200);
        assertThat(node.call("PUT", "/api/v1/jobs/priced", JOB.formatted("Priced v3", 4,
                ", {\"id\": \"say\", \"type\": \"log\", \"message\": \"{{ variables.rate }}\"}")).statusCode()).isEqualTo(200);

        JsonNode history = TestNode.expect(node.call("GET", "/api/v1/jobs/priced/versions", null), 200);
        assertThat(history.get("current").asInt()).isEqualTo(3);
        assertThat(history.get("items")).extracting(v -> v.get("version").asInt()).containsExactly(3, 2, 1);
        assertThat(history.at("/items/2/message").asText()).isEqualTo("first cut");
        assertThat(history.at("/items/2/author").asText()).as("the token's name").isEqualTo("admin-env");
        assertThat(history.at("/items/0/checksum").asText()).startsWith("sha256:").isNotEqualTo(history.at("/items/1/checksum").asText());

        JsonNode first = TestNode.expect(node.call("GET", "/api/v1/jobs/priced/versions/1", null), 200);
        assertThat(first.at("/definition/steps/0/variables/rate").asInt()).isEqualTo(3);

        JsonNode diff = TestNode.expect(node.call("GET", "/api/v1/jobs/priced/diff?from=1&to=3", null), 200);
        assertThat(diff.get("changes")).hasSize(3);
        assertThat(node.JSON.writeValueAsString(diff.get("changes"))).contains(
                "{\"op\":\"replace\",\"fromValue\":\"Priced\",\"path\":\"/name\",\"value\":\"Priced v3\"}",
                "{\"op\":\"replace\",\"fromValue\":3,\"path\":\"/steps/0/variables/rate\",\"value\":4}",
                "{\"op\":\"add\",\"path\":\"/steps/1\"");
        assertThat(TestNode.expect(node.call("GET", "/api/v1/jobs/priced/diff?from=2", null), 200).get("to").asInt())
                .as("to the current version by default").isEqualTo(3);

        // a tag names a version; a rollback makes a new version equal to the one it names
        assertThat(TestNode.expect(node.call("PUT", "/api/v1/jobs/priced/tags/reviewed", "{\"version\": 1}"), 200).get("tags"))
                .extracting(JsonNode::asText).containsExactly("reviewed");
        JsonNode rolled = TestNode.expect(node.call("POST", "/api/v1/jobs/priced/rollback?to=reviewed", null), 200);
        assertThat(rolled.get("current_version").asInt()).isEqualTo(4);
        assertThat(rolled.get("rolled_back_to").asInt()).isEqualTo(1);
        assertThat(TestNode.expect(node.call("GET", "/api/v1/jobs/priced/diff?from=1&to=4", null), 200).get("changes")).isEmpty();
        JsonNode four = TestNode.expect(node.call("GET", "/api/v1/jobs/priced/versions/4", null), 200);
        assertThat(four.get("message").asText()).isEqualTo("rollback to version 1");
        assertThat(four.get("checksum").asText()).isEqualTo(first.get("checksum").asText());
        assertThat(TestNode.expect(node.call("GET", "/api/v1/jobs/priced", null), 200).at("/definition/name").asText()).isEqualTo("Priced");

        // an execution records the version it ran
        JsonNode run = TestNode.expect(node.call("POST", "/api/v1/jobs/priced/executions", "{}"), 202);
        JsonNode ended = node.awaitEnd(run.get("id").asText());
        assertThat(ended.get("job_version").asInt()).isEqualTo(4);
        assertThat(node.object(ended.get("context_path").asText()).at("/steps/price/output/rate").asInt()).isEqualTo(3);

        // what cannot be found or read is said so
        assertThat(node.call("GET", "/api/v1/jobs/priced/versions/9", null).statusCode()).isEqualTo(404);
        assertThat(node.call("GET", "/api/v1/jobs/priced/versions/prod", null).statusCode()).isEqualTo(404);
        assertThat(node.call("GET", "/api/v1/jobs/priced/diff", null).statusCode()).isEqualTo(400);
        assertThat(node.call("POST", "/api/v1/jobs/priced/rollback?to=..", null).statusCode()).isEqualTo(400);
        assertThat(node.call("PUT", "/api/v1/jobs/priced/tags/7", "{\"version\": 1}").statusCode()).isEqualTo(400);
        assertThat(node.call("PUT", "/api/v1/jobs/priced/tags/prod", "{\"version\": \"x\"}").statusCode()).isEqualTo(400);
        assertThat(node.call("GET", "/api/v1/jobs/nothing/versions", null).statusCode()).isEqualTo(404);
        assertThat(node.call("DELETE", "/api/v1/jobs/priced/tags/reviewed", null).statusCode()).isEqualTo(204);
        assertThat(node.call("DELETE", "/api/v1/jobs/priced/tags/reviewed", null).statusCode()).isEqualTo(404);
    }

}
