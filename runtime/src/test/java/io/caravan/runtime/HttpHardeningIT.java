package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.runtime.config.CaravanConfig;
import io.caravan.runtime.hooks.Signatures;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP server's edge on a real node: Camel* request headers and query parameters steer
 * nothing (webhooks, API, unknown paths), path parameters cannot be overridden, bodies over the
 * limits are refused without being read, every answer has the security headers, and CORS answers
 * the configured origin only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpHardeningIT {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String CONSOLE = "https://console.example.com";
    private static final int API_MAX = 64 * 1024;
    private static final int HOOK_MAX = 16 * 1024;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** What the stub's /target and /evil got: method, path and query, and the headers. */
    private final List<String> targetCalls = new CopyOnWriteArrayList<>();
    private final List<String> evilCalls = new CopyOnWriteArrayList<>();
    private final List<Map<String, List<String>>> targetHeaders = new CopyOnWriteArrayList<>();
    private Path dir;
    private Stub stub;
    private TestNode node;

    @BeforeAll
    void start() throws Exception {
        stub = new Stub();
        stub.on("/target", ex -> {
            targetCalls.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            targetHeaders.add(Map.copyOf(ex.getRequestHeaders()));
            Stub.reply(ex, 200, "{\"ok\":true}");
        });
        stub.on("/evil", ex -> {
            evilCalls.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            Stub.reply(ex, 200, "{\"steered\":true}");
        });
        dir = Files.createTempDirectory("caravan-hardening");
        node = TestNode.wrap(Caravan.start(CaravanConfig.from(Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(TestNode.freePort()),
                "CARAVAN_DATA_DIR", dir.toString(),
                "CARAVAN_ADMIN_TOKEN", TestNode.TOKEN,
                "CARAVAN_WORKERS", "4",
                "CARAVAN_API_MAX_BODY", API_MAX / 1024 + "KiB",
                "CARAVAN_WEBHOOK_MAX_BODY", String.valueOf(HOOK_MAX),
                "CARAVAN_CORS_ORIGINS", CONSOLE + ", http://localhost:3000"))), dir);
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "steered", "triggers": [{"type": "webhook", "secret": "%s"}],
                 "steps": [{"id": "call", "type": "http", "url": "%s",
                            "headers": {"X-Request-Id": "{{ webhook.headers['x-request-id'] ?: 'none' }}"}},
                           {"id": "report", "type": "csv.write", "file": "report.csv", "rows": [{"a": 1}]}]}"""
                .formatted(SECRET, stub.url("/target?from=job"))), 201);
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "decoy", "steps": [{"id": "say", "type": "log", "message": "hi"}]}"""), 201);
    }

    @AfterAll
    void stop() {
        node.close();
        stub.close();
        TestNode.deleteTree(dir);
    }

    /** Header names a Camel component would read as an instruction, in the cases and spellings a caller might try. */
    private static final List<String> CAMEL_NAMES = List.of("CamelHttpUri", "camelhttpuri", "CAMELHTTPURI", "Camel-Http-Uri",
            "CamelHttpPath", "CamelHttpQuery", "CamelHttpRawQuery", "CamelHttpUrl", "CamelHttpMethod", "CAMELHTTPMETHOD",
            "CamelFileName", "camelFileName", "CamelOverruleFileName", "CamelExecCommandExecutable",
            "camelExecCommandArgs", "CamelSqlQuery", "CamelHttpResponseCode", "CamelAwsS3Key", "org.apache.camel.Foo");

    @Test
    void camelHeadersAndQueryParametersSteerNoWebhookRunNoApiCallAndNoPathParameter() throws Exception {
        String evil = stub.url("/evil?x=1");
        int cases = 0;
        List<String> executions = new ArrayList<>();
        for (String name : CAMEL_NAMES) {
            String value = name.toLowerCase().contains("method") ? "DELETE"
                    : name.toLowerCase().contains("file") ? "../../evil.csv" : evil;
            executions.add(accepted(signed("steered", "h-" + cases, "{}", Map.of(name, value, "X-Inbound", "private"))));
            cases++;
            String query = "?" + name + "=" + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
            executions.add(accepted(signed("steered" + query, "q-" + cases, "{}", Map.of())));
            cases++;
        }
        // a path parameter cannot be replaced by a header or a query parameter of the same name
        executions.add(accepted(signed("steered?jobId=decoy", "p-1", "{}", Map.of("jobId", "decoy", "X-Request-Id", "r-7"))));
        cases++;

        for (String id : executions) {
            JsonNode done = node.awaitEnd(id);
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
            JsonNode context = node.object(done.get("context_path").asText());
            assertThat(context.at("/webhook/headers").fieldNames()).toIterable().noneMatch(n -> n.startsWith("camel")
                    || n.startsWith("org.apache.camel"));
            assertThat(context.at("/webhook/query_params").fieldNames()).toIterable()
                    .noneMatch(n -> n.toLowerCase().startsWith("camel") || n.startsWith("org.apache.camel"));
            assertThat(context.at("/files")).extracting(f -> f.get("filename").asText()).containsExactly("report.csv");
            assertThat(context.at("/execution/job_id").asText()).isEqualTo("steered");
        }
        assertThat(evilCalls).as("no call went where a header pointed").isEmpty();
        assertThat(targetCalls).hasSize(executions.size()).allMatch(c -> c.equals("GET /target?from=job"));
        assertThat(targetHeaders).as("the http step sends only what the job names").allSatisfy(h -> {
            assertThat(h.keySet()).noneMatch(n -> n.equalsIgnoreCase("X-Inbound") || n.toLowerCase().startsWith("camel"));
        });
        assertThat(targetHeaders).extracting(h -> h.get("X-request-id").get(0)).containsOnly("none", "r-7")
                .contains("r-7");

        cases += apiCalls(evil);
        System.out.println("HttpHardeningIT: " + cases + " injection cases tried, none had an effect");
    }

    /** Camel* headers on API calls: the answer is about what the URL names. Returns the number of cases. */
    private int apiCalls(String evil) throws Exception {
        int cases = 0;
        for (String name : CAMEL_NAMES) {
            String value = name.toLowerCase().contains("method") ? "DELETE"
                    : name.toLowerCase().contains("path") || name.toLowerCase().contains("uri") ? "/api/v1/jobs/decoy" : evil;
            HttpResponse<String> got = send(HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/jobs/steered"))
                    .header("Authorization", "Bearer " + TestNode.TOKEN).header(name, value).GET());
            assertThat(TestNode.expect(got, 200).get("id").asText()).as(name).isEqualTo("steered");
            HttpResponse<String> unknown = send(HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/nothing?"
                    + name + "=x")).header("Authorization", "Bearer " + TestNode.TOKEN).header(name, value).GET());
            assertThat(TestNode.expect(unknown, 404).get("detail").asText()).as(name).contains("GET /api/v1/nothing");
            cases += 2;
        }
        // a path parameter wins over a header or query parameter of its name
        HttpResponse<String> byQuery = node.call("GET", "/api/v1/jobs/steered?id=decoy", null);
        assertThat(TestNode.expect(byQuery, 200).get("id").asText()).isEqualTo("steered");
        HttpResponse<String> byHeader = send(HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/jobs/steered"))
                .header("Authorization", "Bearer " + TestNode.TOKEN).header("ID", "decoy").GET());
        assertThat(TestNode.expect(byHeader, 200).get("id").asText()).isEqualTo("steered");
        HttpResponse<String> run = send(HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/jobs/decoy/executions?id=steered"))
                .header("Authorization", "Bearer " + TestNode.TOKEN).header("Content-Type", "application/json")
                .header("CamelHttpMethod", "DELETE").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(node.awaitEnd(TestNode.expect(run, 202).get("id").asText()).get("job_id").asText()).isEqualTo("decoy");
        cases += 3;
        assertThat(node.call("GET", "/api/v1/jobs/decoy", null).statusCode()).as("nothing deleted").isEqualTo(200);
        return cases;
    }

    @Test
    void bodiesOverTheLimitsAre413ProblemsWithOrWithoutContentLength() throws Exception {
        String before = node.query("select count(*)::text from executions").get(0);
        HttpResponse<String> api = node.call("POST", "/api/v1/jobs/validate", "x".repeat(API_MAX + 1));
        assertProblem(api, 413, "larger than the " + API_MAX + " bytes the API takes");
        assertThat(node.call("POST", "/api/v1/jobs/validate", "{\"id\": \"x\"," + " ".repeat(API_MAX - 23) + "\"steps\": []}")
                .statusCode()).as("at the limit the body is read").isEqualTo(200);
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/jobs"))
                .header("Authorization", "Bearer " + TestNode.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[API_MAX + 1]))));
        assertProblem(chunked, 413, "the API takes");

        HttpResponse<String> hook = signed("steered", "big-1", "x".repeat(HOOK_MAX + 1), Map.of());
        assertProblem(hook, 413, "larger than the " + HOOK_MAX + " bytes a webhook takes");
        HttpResponse<String> hookChunked = send(HttpRequest.newBuilder(URI.create(node.base() + "/hooks/steered"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[HOOK_MAX + 1]))));
        assertProblem(hookChunked, 413, "a webhook takes");
        assertThat(node.query("select count(*)::text from executions")).containsExactly(before);
    }

    @Test
    void anEndlessChunkedBodyIsCutOffNearTheLimitNotReadToTheEnd() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", node.caravan.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /hooks/steered HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            CompletableFuture<String> statusLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            byte[] chunk = ("1000\r\n" + "x".repeat(0x1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            long budget = 256L * 1024 * 1024; // a client that would send 256 MiB
            try {
                while (sent < budget && !statusLine.isDone()) {
                    out.write(chunk);
                    sent += 0x1000;
                }
            } catch (java.io.IOException closed) {
                // the server closed the connection: what a client sending more should see
            }
            assertThat(statusLine.get(10, TimeUnit.SECONDS)).isEqualTo("HTTP/1.1 413");
            assertThat(sent).as("bytes sent before the server refused").isLessThan(32L * 1024 * 1024);
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        List<HttpResponse<String>> answers = List.of(
                node.call("GET", "/api/v1/jobs", null),                          // success
                node.call("GET", "/api/v1/jobs/none-such", null),                // problem+json
                node.call("POST", "/api/v1/jobs", "{\"id\": \"Bad Id\"}"),      // validation problem
                node.call("GET", "/api/v1/jobs", null, null),                    // 401
                node.call("GET", "/api/v1/nothing/here", null),                  // unknown under /api
                node.call("GET", "/health", null, null),
                signed("steered", "sig-x", "{}", Map.of("webhook-signature", "v1,bad")));
        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(200, 404, 400, 401, 404, 200, 401);
        for (HttpResponse<String> r : answers) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(r.uri().toString()).hasValue("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).as("plain HTTP").isEmpty();
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as("no Origin sent").isEmpty();
        }
        HttpResponse<String> page = node.call("GET", "/console/index.html", null, null); // nothing serves it yet
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).startsWith("default-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void corsAnswersTheConfiguredOriginsOnlyAndNeverWithCredentials() throws Exception {
        HttpResponse<String> allowed = send(api("GET", "/api/v1/jobs").header("Origin", CONSOLE));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(allowed.headers().allValues("Vary").toString().toLowerCase()).as("caches keep answers per origin")
                .contains("origin");

        HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/jobs"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", CONSOLE)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type"));
        assertThat(preflight.statusCode()).isBetween(200, 204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("authorization").contains("content-type");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

        HttpResponse<String> refusedAnswer = send(api("GET", "/api/v1/jobs").header("Origin", "https://evil.example"));
        assertThat(refusedAnswer.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> refusedPreflight = send(HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/jobs"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "DELETE"));
        assertThat(refusedPreflight.statusCode()).isGreaterThanOrEqualTo(400);
        assertThat(refusedPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(refusedPreflight.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
        HttpResponse<String> lookalike = send(api("GET", "/api/v1/jobs").header("Origin", CONSOLE + ".evil.example"));
        assertThat(lookalike.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private HttpRequest.Builder api(String method, String path) {
        return HttpRequest.newBuilder(URI.create(node.base() + path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + TestNode.TOKEN);
    }

    private static void assertProblem(HttpResponse<String> r, int status, String detail) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        JsonNode body = TestNode.JSON.readTree(r.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).contains(detail);
    }

    private String accepted(HttpResponse<String> r) throws Exception {
        return TestNode.expect(r, 202).get("id").asText();
    }

    /** A Standard Webhooks call signed with {@link #SECRET}, with extra headers (which may replace the signature). */
    private HttpResponse<String> signed(String path, String id, String body, Map<String, String> headers) throws Exception {
        long ts = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Signatures.key(SECRET), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base() + "/hooks/" + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("webhook-id", id).header("webhook-timestamp", String.valueOf(ts));
        if (!headers.containsKey("webhook-signature")) {
            b.header("webhook-signature", "v1," + signature);
        }
        headers.forEach(b::header);
        return send(b);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
