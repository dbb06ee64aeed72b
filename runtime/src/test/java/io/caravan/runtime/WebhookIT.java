package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.runtime.hooks.Signatures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code POST /hooks/{job}}: signed calls start runs with the request in the context; everything else is refused. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookIT {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private final HttpClient http = HttpClient.newHttpClient();
    private TestNode node;

    @BeforeAll
    void start() throws Exception {
        node = TestNode.start();
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "crm", "triggers": [{"type": "webhook", "secret": "%s"}],
                 "steps": [{"id": "say", "type": "log", "message": "customer {{ webhook.payload.customer }}"}]}"""
                .formatted(SECRET)).statusCode()).isEqualTo(201);
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "gh", "triggers": [{"type": "webhook", "secret": "It's a Secret to Everybody", "signature": "github"}],
                 "steps": [{"id": "say", "type": "log", "message": "{{ webhook.payload }}"}]}""").statusCode()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void aSignedCallStartsOneRunWithTheRequestAndARepeatedDeliveryStartsNothing() throws Exception {
        String body = "{\"customer\": 42}";
        HttpResponse<String> accepted = standard("crm?source=crm&x=1&x=2", "msg_1", Instant.now(), body, SECRET);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode answer = TestNode.JSON.readTree(accepted.body());
        assertThat(answer.get("status").asText()).isEqualTo("QUEUED");

        JsonNode done = node.awaitEnd(answer.get("id").asText());
        assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/webhook/payload/customer").asInt()).isEqualTo(42);
        assertThat(context.at("/webhook/query_params/source").asText()).isEqualTo("crm");
        assertThat(context.at("/webhook/query_params/x")).hasSize(2);
        assertThat(context.at("/webhook/headers/webhook-id").asText()).isEqualTo("msg_1");
        assertThat(context.at("/webhook/headers").has("webhook-signature")).as("signatures withheld").isFalse();
        assertThat(context.at("/webhook/headers").has("authorization")).isFalse();
        assertThat(context.at("/webhook/headers").fieldNames()).toIterable().as("inbound Camel* headers dropped")
                .noneMatch(name -> name.startsWith("camel")).contains("webhook-id", "content-type");
        assertThat(context.at("/execution/trigger/type").asText()).isEqualTo("webhook");
        assertThat(context.at("/execution/trigger/delivery_id").asText()).isEqualTo("msg_1");
        assertThat(context.at("/steps/say/output/message").asText()).isEqualTo("customer 42");

        HttpResponse<String> repeated = standard("crm", "msg_1", Instant.now(), body, SECRET);
        assertThat(repeated.statusCode()).isEqualTo(200);
        assertThat(TestNode.JSON.readTree(repeated.body()).get("id").asText()).isEqualTo(answer.get("id").asText());
        assertThat(node.query("select count(*)::text from executions where job_id = 'crm'")).containsExactly("1");
    }

    @Test
    void unsignedForgedStaleOversizedAndUnknownCallsAreRefusedBeforeAnyRunStarts() throws Exception {
        String before = node.query("select count(*)::text from executions").get(0);
        HttpResponse<String> forged = standard("crm", "msg_2", Instant.now(), "{}", "whsec_" + Base64.getEncoder()
                .encodeToString("another key, long enough".getBytes(StandardCharsets.UTF_8)));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(forged.body()).contains("no v1 signature in webhook-signature matches");

        assertThat(standard("crm", "msg_3", Instant.now().minusSeconds(301), "{}", SECRET).statusCode()).isEqualTo(401);
        assertThat(send("crm", HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode())
                .as("unsigned").isEqualTo(401);
        byte[] big = new byte[1024 * 1024 + 1];
        assertThat(send("crm", HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofByteArray(big))).statusCode())
                .isEqualTo(413);
        assertThat(standard("nope", "msg_4", Instant.now(), "{}", SECRET).statusCode()).isEqualTo(404);
        assertThat(node.query("select count(*)::text from executions")).containsExactly(before);
    }

    @Test
    void githubSignedCallsAreTakenAndStandardOnesRefusedWhenTheTriggerSaysGithub() throws Exception {
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Signatures.key("It's a Secret to Everybody"), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        HttpResponse<String> accepted = send("gh", HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("X-Hub-Signature-256", signature).header("X-GitHub-Delivery", "d-1").header("Content-Type", "text/plain"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode done = node.awaitEnd(TestNode.JSON.readTree(accepted.body()).get("id").asText());
        assertThat(node.object(done.get("context_path").asText()).at("/webhook/payload").asText()).isEqualTo("Hello, World!");
        assertThat(standard("gh", "msg_5", Instant.now(), "Hello, World!", "It's a Secret to Everybody").statusCode())
                .isEqualTo(401);
    }

    @Test
    void aRateLimitRefusesTheCallsOverItWith429AndRetryAfter() throws Exception {
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "limited-hook", "triggers": [{"type": "webhook", "secret": "%s", "rateLimit": {"requests": 3, "per": "PT1M"}}],
                 "steps": [{"id": "say", "type": "log", "message": "hi"}]}""".formatted(SECRET)).statusCode()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            assertThat(standard("limited-hook", "rl-" + i, Instant.now(), "{}", SECRET).statusCode()).isEqualTo(202);
        }
        HttpResponse<String> refused = standard("limited-hook", "rl-3", Instant.now(), "{}", SECRET);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(s ->
                assertThat(s).isBetween(1, 60));
        assertThat(refused.body()).contains("takes 3 webhook calls per PT1M");
        assertThat(node.query("select count(*)::text from executions where job_id = 'limited-hook'")).containsExactly("3");
    }

    @Test
    void aDisabledJobsWebhookAnswers404AndItsManualRuns409UntilEnabledAgain() throws Exception {
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "switch", "triggers": [{"type": "webhook", "secret": "%s"}],
                 "steps": [{"id": "say", "type": "log", "message": "hi"}]}""".formatted(SECRET)).statusCode()).isEqualTo(201);
        var off = node.call("PATCH", "/api/v1/jobs/switch", "{\"enabled\": false}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(node.json(off).get("enabled").asBoolean()).isFalse();
        assertThat(standard("switch", "sw-1", Instant.now(), "{}", SECRET).statusCode()).isEqualTo(404);
        assertThat(node.call("POST", "/api/v1/jobs/switch/executions", "{}").statusCode()).isEqualTo(409);
        assertThat(node.call("PATCH", "/api/v1/jobs/switch", "{\"enabled\": false, \"name\": \"x\"}").statusCode())
                .as("a patch changes enabled only").isEqualTo(400);

        assertThat(node.call("PATCH", "/api/v1/jobs/switch", "{\"enabled\": true}").statusCode()).isEqualTo(200);
        assertThat(standard("switch", "sw-2", Instant.now(), "{}", SECRET).statusCode()).isEqualTo(202);
    }

    @Test
    void aSyncWebhookAnswersWithTheOutputOfItsStep() throws Exception {
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "quote", "triggers": [{"type": "webhook", "secret": "%s", "respond": "sync", "responseStep": "price"}],
                 "steps": [{"id": "price", "type": "set", "variables": {"total": "{{ webhook.payload.qty * 3 }}"}},
                           {"id": "after", "type": "log", "message": "priced"}]}""".formatted(SECRET)).statusCode())
                .isEqualTo(201);
        HttpResponse<String> answer = standard("quote", "q-1", Instant.now(), "{\"qty\": 14}", SECRET);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = TestNode.JSON.readTree(answer.body());
        assertThat(body.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("step").asText()).isEqualTo("price");
        assertThat(body.at("/output/total").asInt()).isEqualTo(42);

        // the same delivery again: no second run, and the first run's answer (from its checkpoint)
        HttpResponse<String> again = standard("quote", "q-1", Instant.now(), "{\"qty\": 14}", SECRET);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JsonNode repeated = TestNode.JSON.readTree(again.body());
        assertThat(repeated.get("id").asText()).isEqualTo(body.get("id").asText());
        assertThat(repeated.at("/output/total").asInt()).isEqualTo(42);
        assertThat(TestNode.JSON.readTree(node.call("GET", "/api/v1/executions?job=quote", null).body()).get("items").size())
                .as("one execution for the two calls").isEqualTo(1);
    }

    @Test
    void syncCallsHoldNoThreadSoMoreOfThemThanServerThreadsAllGetTheirResultAndTheApiStaysResponsive() throws Exception {
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "slow-quote", "triggers": [{"type": "webhook", "secret": "%s", "respond": "sync"}],
                 "steps": [{"id": "think", "type": "sql", "connection": "local", "query": "select pg_sleep(1)"}]}"""
                .formatted(SECRET)).statusCode()).isEqualTo(201);
        int calls = 30; // more than Vert.x's 20 worker threads
        var pool = java.util.concurrent.Executors.newFixedThreadPool(calls);
        var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
        for (int i = 0; i < calls; i++) {
            String id = "slow-" + i;
            answers.add(pool.submit(() -> standard("slow-quote", id, Instant.now(), "{}", SECRET).statusCode()));
        }
        Thread.sleep(1_000);
        // a call whose execution is started here at once takes an idle worker; the others queue
        assertThat(Integer.parseInt(node.query("select count(*)::text from executions where job_id = 'slow-quote'"
                + " and status = 'RUNNING'").get(0))).as("never more running than the node's 4 workers")
                .isBetween(1, 4);
        long start = System.nanoTime();
        assertThat(node.call("GET", "/api/v1/jobs/slow-quote", null).statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).as("the API answers while calls wait").isLessThan(1_000);
        int results = 0;
        for (var answer : answers) {
            results += answer.get() == 200 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(results).as("every call answered with its execution's result").isEqualTo(calls);
    }

    private HttpResponse<String> standard(String path, String id, Instant at, String body, String secret) throws Exception {
        long ts = at.getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Signatures.key(secret), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        return send(path, HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("webhook-id", id)
                .header("webhook-timestamp", String.valueOf(ts)).header("webhook-signature", "v1," + signature)
                .header("Authorization", "Bearer not-for-the-context")
                .header("CamelHttpResponseCode", "500").header("CamelOverruleFileName", "/etc/passwd"));
    }

    private HttpResponse<String> send(String path, HttpRequest.Builder request) throws Exception {
        return http.send(request.uri(URI.create(node.base() + "/hooks/" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
