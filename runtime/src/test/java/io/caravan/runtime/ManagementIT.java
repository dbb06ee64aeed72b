package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.runtime.config.CaravanConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an operator looks at on a running node: a job's route and steps in JMX, read over the
 * Jolokia agent as Hawtio reads them; the health probes; the executor status.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementIT {

    private static final String USER = "ops";
    private static final String PASSWORD = "jolokia-test-pw";
    private static final String JOB = """
            {"id": "stats", "name": "Nightly stats",
             "steps": [{"id": "wait", "type": "sql", "connection": "local", "query": "select pg_sleep(0.05)"},
                       {"id": "note", "type": "log", "message": "done"}]}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path dir;
    private TestNode node;
    private int jolokiaPort;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("caravan-it");
        jolokiaPort = TestNode.freePort();
        node = TestNode.wrap(Caravan.start(CaravanConfig.from(Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(TestNode.freePort()),
                "CARAVAN_DATA_DIR", dir.toString(),
                "CARAVAN_ADMIN_TOKEN", TestNode.TOKEN,
                "CARAVAN_WORKERS", "3",
                "CARAVAN_JOLOKIA_PORT", String.valueOf(jolokiaPort),
                "CARAVAN_JOLOKIA_USER", USER,
                "CARAVAN_JOLOKIA_PASSWORD", PASSWORD))), dir);
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
        TestNode.deleteTree(dir);
    }

    @Test
    void jolokiaServesTheRouteAndStepStatisticsOfAJob() throws Exception {
        TestNode.expect(node.call("POST", "/api/v1/jobs", JOB), 201);
        for (String id : List.of(node.run("stats", null), node.run("stats", null))) {
            assertThat(node.awaitEnd(id).get("status").asText()).isEqualTo("SUCCESS");
        }
        String context = node.caravan.camel().getManagementName();

        JsonNode route = jolokia("""
                {"type": "read", "mbean": "org.apache.camel:context=%s,type=routes,name=\\"job.stats\\"",
                 "attribute": ["ExchangesCompleted", "ExchangesFailed", "TotalProcessingTime", "Description"]}"""
                .formatted(context), USER, PASSWORD);
        assertThat(route.path("status").asInt()).as(route.toString()).isEqualTo(200);
        assertThat(route.at("/value/ExchangesCompleted").asLong()).isEqualTo(2);
        assertThat(route.at("/value/ExchangesFailed").asLong()).isZero();
        assertThat(route.at("/value/TotalProcessingTime").asLong()).as("two runs of a 50 ms step").isGreaterThanOrEqualTo(100);
        assertThat(route.at("/value/Description").asText()).isEqualTo("Nightly stats (version 1)");

        JsonNode step = jolokia("""
                {"type": "read", "mbean": "org.apache.camel:context=%s,type=processors,name=\\"stats.wait\\"",
                 "attribute": ["ExchangesCompleted", "TotalProcessingTime", "RouteId"]}""".formatted(context), USER, PASSWORD);
        assertThat(step.path("status").asInt()).as(step.toString()).isEqualTo(200);
        assertThat(step.at("/value/ExchangesCompleted").asLong()).isEqualTo(2);
        assertThat(step.at("/value/TotalProcessingTime").asLong()).isGreaterThanOrEqualTo(100);
        assertThat(step.at("/value/RouteId").asText()).isEqualTo("job.stats");
    }

    @Test
    void jolokiaRefusesCallersWithoutTheCredentialsAndOperationsBeyondManagement() throws Exception {
        String read = "{\"type\": \"read\", \"mbean\": \"java.lang:type=Runtime\", \"attribute\": \"Uptime\"}";
        assertThat(jolokiaStatus(read, null, null)).isEqualTo(401);
        assertThat(jolokiaStatus(read, USER, "wrong")).isEqualTo(401);
        assertThat(jolokia(read, USER, PASSWORD).path("status").asInt()).isEqualTo(200);

        // past the API's tokens and audit log: refused by the agent's access policy
        JsonNode send = jolokia("""
                {"type": "exec", "mbean": "org.apache.camel:context=%s,type=context,name=\\"%s\\"",
                 "operation": "sendStringBody(java.lang.String,java.lang.String)", "arguments": ["direct:job.stats", "x"]}"""
                .formatted(node.caravan.camel().getManagementName(), node.caravan.camel().getName()), USER, PASSWORD);
        assertThat(send.path("status").asInt()).as(send.toString()).isEqualTo(403);
        JsonNode agentLoad = jolokia("""
                {"type": "exec", "mbean": "com.sun.management:type=DiagnosticCommand",
                 "operation": "jvmtiAgentLoad", "arguments": [["/tmp/x.so"]]}""", USER, PASSWORD);
        assertThat(agentLoad.path("status").asInt()).as(agentLoad.toString()).isEqualTo(403);
    }

    @Test
    void probesAnswerWithoutATokenAndNameEachCheck() throws Exception {
        JsonNode live = TestNode.expect(node.call("GET", "/health/live", null, null), 200);
        assertThat(live.path("status").asText()).isEqualTo("UP");

        JsonNode ready = TestNode.expect(node.call("GET", "/health/ready", null, null), 200);
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        assertThat(ready.path("checks").fieldNames()).toIterable()
                .containsExactly("node", "database", "objectStore", "scheduler", "workers");
        ready.path("checks").forEach(check -> assertThat(check.path("status").asText()).as(check.toString()).isEqualTo("UP"));
        assertThat(ready.at("/checks/workers/detail").asText()).endsWith("of 3 workers busy");

        TestNode.expect(node.call("GET", "/health", null, null), 200); // as before, for scripts
    }

    @Test
    void executorStatusShowsThisNodesWorkersAndTheQueue() throws Exception {
        JsonNode status = TestNode.expect(node.call("GET", "/api/v1/executor/status", null), 200);
        JsonNode self = status.path("nodes").get(0);
        assertThat(self.path("id").asText()).isEqualTo(node.caravan.nodeId());
        assertThat(self.path("this_node").asBoolean()).isTrue();
        assertThat(self.path("alive").asBoolean()).isTrue();
        assertThat(self.at("/workers/total").asInt()).isEqualTo(3);
        assertThat(self.at("/workers/busy").asInt() + self.at("/workers/idle").asInt()).isEqualTo(3);
        assertThat(status.at("/workers/total").asInt()).isEqualTo(3);
        assertThat(status.path("queue").has("queued")).isTrue();
        assertThat(status.at("/queue/by_job").isArray()).isTrue();

        JsonNode bad = TestNode.expect(node.call("GET", "/api/v1/executor/status?top=0", null), 400);
        assertThat(bad.at("/errors/0/path").asText()).isEqualTo("query.top");
        TestNode.expect(node.call("GET", "/api/v1/executor/status", null, null), 401);

        // the heartbeat writes the figures other nodes show for this one
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> node.query(
                "select workers || '/' || workers_busy from nodes where id = ?", node.caravan.nodeId()).equals(List.of("3/0")));
    }

    private JsonNode jolokia(String request, String user, String password) throws Exception {
        HttpResponse<String> response = jolokiaCall(request, user, password);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestNode.JSON.readTree(response.body());
    }

    private int jolokiaStatus(String request, String user, String password) throws Exception {
        return jolokiaCall(request, user, password).statusCode();
    }

    private HttpResponse<String> jolokiaCall(String request, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jolokiaPort + "/jolokia/"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
