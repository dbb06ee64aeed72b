package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Bad input gets a clear problem+json answer naming what and where — never a 500. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiErrorsIT {

    private TestNode node;

    @BeforeAll
    void start() throws Exception {
        node = TestNode.start();
        HttpResponse<String> r = node.call("POST", "/api/v1/jobs", """
                {"id": "typed", "params": {"n": {"type": "integer", "required": true, "minimum": 1},
                  "mode": {"type": "string", "enum": ["a", "b"], "default": "a"}},
                 "steps": [{"id": "s", "type": "log", "message": "{{ params.n }} {{ params.mode }}"}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void healthNeedsNoToken() throws Exception {
        HttpResponse<String> r = node.call("GET", "/health", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("UP");
    }

    @Test
    void everyApiCallNeedsAValidToken() throws Exception {
        for (String token : new String[] {null, "wrong"}) {
            HttpResponse<String> r = node.call("GET", "/api/v1/jobs", null, token);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.body()).doesNotContain("typed");
        }
        assertThat(node.call("POST", "/api/v1/jobs/typed/executions", "{}", null).statusCode()).isEqualTo(401);
        assertThat(node.call("GET", "/api/v1/jobs", null).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedJsonIs400WithWhere() throws Exception {
        HttpResponse<String> r = node.call("POST", "/api/v1/jobs", "{\"id\": \"x\", \"steps\": [");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = node.json(r);
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.at("/errors/0/path").asText()).isEqualTo("$");
        assertThat(problem.at("/errors/0/message").asText()).contains("malformed JSON at line 1");
    }

    @Test
    void invalidJobIs400WithEveryProblem() throws Exception {
        HttpResponse<String> r = node.call("POST", "/api/v1/jobs", """
                {"id": "Bad Id", "steps": [{"id": "a", "type": "nope"},
                  {"id": "a", "type": "log", "message": "{{ steps.zzz.output }}"}]}""");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode errors = node.json(r).get("errors");
        assertThat(errors).extracting(e -> e.get("path").asText())
                .contains("$.id", "$.steps[0].type", "$.steps[1].id", "$.steps[1].message");
        assertThat(node.call("GET", "/api/v1/jobs/Bad%20Id", null).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownThingsAre404AndDuplicatesAre409() throws Exception {
        assertThat(node.call("GET", "/api/v1/jobs/none", null).statusCode()).isEqualTo(404);
        assertThat(node.call("PUT", "/api/v1/jobs/none", "{\"steps\": [{\"id\": \"s\", \"type\": \"log\", \"message\": \"m\"}]}")
                .statusCode()).isEqualTo(404);
        assertThat(node.call("DELETE", "/api/v1/jobs/none", null).statusCode()).isEqualTo(404);
        assertThat(node.call("POST", "/api/v1/jobs/none/executions", "{}").statusCode()).isEqualTo(404);
        assertThat(node.call("GET", "/api/v1/executions/not-a-uuid", null).statusCode()).isEqualTo(404);
        assertThat(node.call("GET", "/api/v1/executions/0193a000-0000-7000-8000-000000000000", null).statusCode())
                .isEqualTo(404);
        HttpResponse<String> dup = node.call("POST", "/api/v1/jobs",
                "{\"id\": \"typed\", \"steps\": [{\"id\": \"s\", \"type\": \"log\", \"message\": \"m\"}]}");
        assertThat(dup.statusCode()).isEqualTo(409);
        assertThat(node.json(dup).get("detail").asText()).contains("typed");
    }

    @Test
    void badParamsAre400PerParameter() throws Exception {
        HttpResponse<String> r = node.call("POST", "/api/v1/jobs/typed/executions",
                "{\"params\": {\"mode\": \"c\", \"extra\": 1}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(node.json(r).get("errors")).extracting(e -> e.get("path").asText() + " " + e.get("message").asText())
                .contains("$.params.n is required", "$.params.extra is not a parameter of job 'typed'; it has n, mode")
                .anyMatch(m -> m.startsWith("$.params.mode must be one of"));
        HttpResponse<String> low = node.call("POST", "/api/v1/jobs/typed/executions", "{\"params\": {\"n\": 0}}");
        assertThat(node.json(low).at("/errors/0/message").asText()).isEqualTo("must be at least 1");
        HttpResponse<String> ok = node.call("POST", "/api/v1/jobs/typed/executions", "{\"params\": {\"n\": 2}}");
        assertThat(ok.statusCode()).isEqualTo(202);
        JsonNode done = node.awaitEnd(node.json(ok).get("id").asText());
        assertThat(done.at("/params/mode").asText()).as("default applied").isEqualTo("a");
    }

    @Test
    void updateCannotChangeTheIdAndValidateSavesNothing() throws Exception {
        HttpResponse<String> r = node.call("PUT", "/api/v1/jobs/typed",
                "{\"id\": \"other\", \"steps\": [{\"id\": \"s\", \"type\": \"log\", \"message\": \"m\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(node.json(r).at("/errors/0/path").asText()).isEqualTo("$.id");
        HttpResponse<String> v = node.call("POST", "/api/v1/jobs/validate",
                "{\"id\": \"fresh\", \"steps\": [{\"id\": \"s\", \"type\": \"sql\", \"connection\": \"local\", \"query\": \"select {{ 1 }}\"}]}");
        assertThat(v.statusCode()).isEqualTo(200);
        assertThat(node.json(v).get("valid").asBoolean()).isFalse();
        assertThat(node.json(v).at("/errors/0/path").asText()).isEqualTo("$.steps[0].query");
        assertThat(node.call("GET", "/api/v1/jobs/fresh", null).statusCode()).isEqualTo(404);
    }

    @Test
    void schemaAndOpenApiAreServed() throws Exception {
        JsonNode schema = node.json(node.call("GET", "/api/v1/schema/job.json", null));
        assertThat(schema.at("/$defs/step.http/properties/url")).isNotNull();
        assertThat(schema.at("/$defs/step/properties/type/enum")).extracting(JsonNode::asText)
                .contains("http", "sql", "set", "log");
        HttpResponse<String> openapi = node.call("GET", "/api/v1/openapi.json", null);
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(node.json(openapi).at("/paths").has("/api/v1/jobs/{id}/executions")).isTrue();
    }

    @Test
    void anOversizedBodyIs413() throws Exception {
        String huge = "{\"id\": \"big\", \"description\": \"" + "x".repeat((int) io.caravan.runtime.config.CaravanConfig.from(java.util.Map.of()).http().apiMaxBody()) + "\"}";
        HttpResponse<String> r = node.call("POST", "/api/v1/jobs", huge);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(node.call("GET", "/api/v1/jobs/big", null).statusCode()).isEqualTo(404);
    }

    @Test
    void oddInputIsAClientErrorNeverA500() throws Exception {
        assertThat(node.call("GET", "/api/v1/jobs?page=50000000", null).statusCode()).isEqualTo(400);
        assertThat(node.call("GET", "/api/v1/executions?page=0", null).statusCode()).isEqualTo(400);
        assertThat(node.call("GET", "/api/v1/jobs?q=%00", null).statusCode()).isEqualTo(400);
        assertThat(node.call("GET", "/api/v1/executions?job=%00", null).statusCode()).isEqualTo(400);
        assertThat(node.call("GET", "/api/v1/jobs/a%00b", null).statusCode()).isEqualTo(404);
        HttpResponse<String> trailing = node.call("POST", "/api/v1/jobs/validate",
                "{\"id\": \"x\", \"steps\": []} garbage");
        assertThat(trailing.statusCode()).isEqualTo(400);
        assertThat(node.call("POST", "/api/v1/jobs/typed/executions", "[]").statusCode()).isEqualTo(400);
        assertThat(node.call("POST", "/api/v1/jobs/typed/executions", "\"str\"").statusCode()).isEqualTo(400);
        HttpResponse<String> nul = node.call("POST", "/api/v1/jobs",
                "{\"id\": \"nul\", \"name\": \"a\\u0000b\", \"steps\": [{\"id\": \"s\", \"type\": \"log\", \"message\": \"m\"}]}");
        assertThat(nul.statusCode()).as(nul.body()).isEqualTo(400);
        assertThat(node.call("GET", "/api/v1/jobs/nul", null).statusCode()).isEqualTo(404);
    }

    @Test
    void nodesAreListedWithTheirHeartbeat() throws Exception {
        JsonNode nodes = node.json(node.call("GET", "/api/v1/nodes", null));
        assertThat(nodes.get("items")).anySatisfy(n -> {
            assertThat(n.get("alive").asBoolean()).isTrue();
            assertThat(n.get("stopped_at").isNull()).isTrue();
            assertThat(java.time.Instant.parse(n.get("last_heartbeat").asText()))
                    .isAfter(java.time.Instant.now().minusSeconds(30));
        });
        assertThat(node.call("GET", "/api/v1/nodes", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aFormBodyIs415() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.base() + "/api/v1/jobs"))
                .header("Authorization", "Bearer " + TestNode.TOKEN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("id=x")).build();
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(415);
    }
}
