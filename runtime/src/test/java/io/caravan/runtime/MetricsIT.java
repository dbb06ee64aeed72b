package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.runtime.config.CaravanConfig;
import io.caravan.runtime.hooks.Signatures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} and {@code GET /api/v1/jobs/{id}/stats} on a real node: the series are
 * there with the right labels and move with what the node does, and the statistics count the
 * runs and steps the database holds.
 */
class MetricsIT extends OneNode {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theMetersArePresentAndMoveAfterExecutionsWebhooksAndATakeover() throws Exception {
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "metered", "triggers": [{"type": "webhook", "secret": "%s"}],
                 "steps": [{"id": "note", "type": "set", "variables": {"a": 1}},
                           {"id": "say", "type": "log", "message": "hello"}]}""".formatted(SECRET)), 201);
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "broken", "steps": [{"id": "divide", "type": "sql", "connection": "local",
                  "query": "select 1 / 0 as x"}]}"""), 201);
        Scrape before = scrape(null);
        assertThat(before.status).isEqualTo(200);
        assertThat(before.contentType).startsWith("text/plain");
        assertThat(before.text).contains("jvm_memory_used_bytes{area=\"heap\"", "jvm_gc_", "jvm_threads_live_threads",
                "process_cpu_usage", "process_uptime_seconds");
        assertThat(before.value("caravan_queue_depth", Map.of("status", "queued"))).isNotNull();
        assertThat(before.value("caravan_executions_started_total", Map.of("job_id", "metered"))).isNull();

        for (int i = 0; i < 2; i++) {
            assertThat(node.awaitEnd(node.run("metered", null)).get("status").asText()).isEqualTo("SUCCESS");
        }
        assertThat(node.awaitEnd(node.run("broken", null)).get("status").asText()).isEqualTo("FAILED");
        HttpResponse<String> accepted = webhook("metered", "msg_1", "{}", SECRET);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        node.awaitEnd(TestNode.JSON.readTree(accepted.body()).get("id").asText());
        assertThat(webhook("metered", "msg_1", "{}", SECRET).statusCode()).as("a repeat").isEqualTo(200);
        assertThat(webhook("metered", "msg_2", "{}", "whsec_" + Base64.getEncoder().encodeToString(
                "another key of 32 bytes at least".getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(401);
        assertThat(webhook("no-such-job", "msg_3", "{}", SECRET).statusCode()).isEqualTo(404);
        String orphan = takenOver();
        assertThat(node.awaitEnd(orphan).get("status").asText()).isEqualTo("SUCCESS");

        Scrape after = scrape(null);
        Map<String, String> metered = Map.of("job_id", "metered");
        assertThat(after.value("caravan_executions_started_total", metered)).as("2 runs, 1 webhook; not the takeover")
                .isEqualTo(3.0);
        assertThat(after.value("caravan_lease_takeovers_total", metered)).isEqualTo(1.0);
        assertThat(after.value("caravan_executions_finished_total", Map.of("job_id", "metered", "status", "SUCCESS")))
                .isEqualTo(4.0);
        assertThat(after.value("caravan_executions_finished_total", Map.of("job_id", "broken", "status", "FAILED")))
                .isEqualTo(1.0);
        Map<String, String> succeeded = Map.of("job_id", "metered", "status", "SUCCESS");
        assertThat(after.value("caravan_execution_duration_seconds_count", succeeded)).isEqualTo(4.0);
        assertThat(after.value("caravan_execution_duration_seconds_bucket", Map.of("job_id", "metered", "status",
                "SUCCESS", "le", "+Inf"))).isEqualTo(4.0);
        assertThat(after.value("caravan_execution_duration_seconds_sum", succeeded)).isPositive();

        assertThat(after.delta(before, "caravan_step_duration_seconds_count", Map.of("kind", "log", "status", "SUCCESS")))
                .isEqualTo(4.0);
        assertThat(after.delta(before, "caravan_step_duration_seconds_count", Map.of("kind", "sql", "status", "FAILED")))
                .isEqualTo(1.0);
        assertThat(after.value("caravan_webhooks_accepted_total", Map.of("job_id", "metered", "delivery", "new")))
                .isEqualTo(1.0);
        assertThat(after.value("caravan_webhooks_accepted_total", Map.of("job_id", "metered", "delivery", "duplicate")))
                .isEqualTo(1.0);
        assertThat(after.value("caravan_webhooks_rejected_total", Map.of("job_id", "metered", "reason", "signature")))
                .isEqualTo(1.0);
        assertThat(after.value("caravan_webhooks_rejected_total", Map.of("job_id", "_unknown", "reason", "unknown_job")))
                .as("the path's id is not a label").isEqualTo(1.0);
        assertThat(after.text).doesNotContain("no-such-job");

        // 2 steps of each of 4 runs, 1 of the failed one, and the takeover's first write
        assertThat(after.delta(before, "caravan_checkpoint_writes_seconds_count", Map.of("outcome", "ok")))
                .isGreaterThanOrEqualTo(10.0);
        assertThat(after.delta(before, "caravan_checkpoint_size_bytes_count", Map.of()))
                .isEqualTo(after.delta(before, "caravan_checkpoint_writes_seconds_count", Map.of("outcome", "ok")));
        assertThat(after.value("caravan_checkpoint_size_bytes_max", Map.of())).isGreaterThan(100.0);
        assertThat(after.value("caravan_queue_oldest_age_seconds", Map.of())).isNotNull();

        assertThat(after.value("camel_exchanges_total", Map.of("routeId", "job.metered"))).isEqualTo(4.0);
        assertThat(after.value("camel_exchanges_total", Map.of("routeId", "hooks"))).isEqualTo(4.0);
        assertThat(after.text).as("the API's and the checkpoint's routes get no route meters")
                .doesNotContain("routeId=\"api.", "routeId=\"caravan.checkpoint");
    }

    @Test
    void aJobsStatisticsCountItsRunsAndStepsOverTheWindow() throws Exception {
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "counted", "params": {"d": {"type": "integer", "default": 1}},
                 "steps": [{"id": "wait", "type": "sql", "connection": "local",
                            "query": "select 1 / :d as x from pg_sleep(0.05)", "parameters": {"d": "{{ params.d }}"}},
                           {"id": "say", "type": "log", "message": "done"}]}"""), 201);
        for (String params : List.of("{}", "{}", "{}", "{\"d\": 0}")) {
            node.awaitEnd(node.run("counted", params));
        }

        JsonNode stats = TestNode.expect(node.call("GET", "/api/v1/jobs/counted/stats", null), 200);
        assertThat(stats.get("window").asText()).isEqualTo("P7D");
        assertThat(stats.get("runs").asInt()).isEqualTo(4);
        assertThat(stats.at("/by_status/SUCCESS").asInt()).isEqualTo(3);
        assertThat(stats.at("/by_status/FAILED").asInt()).isEqualTo(1);
        assertThat(stats.get("success_rate").asDouble()).isEqualTo(0.75);
        double p50 = stats.at("/duration_seconds/p50").asDouble();
        assertThat(p50).as("each run sleeps 50 ms").isBetween(0.05, 30.0);
        assertThat(stats.at("/duration_seconds/p95").asDouble()).isBetween(p50, 30.0);
        assertThat(Instant.parse(stats.get("last_success_at").asText())).isBefore(Instant.now());
        assertThat(Instant.parse(stats.get("last_failure_at").asText())).isBefore(Instant.now());
        JsonNode wait = stats.at("/steps/0");
        assertThat(wait.get("id").asText()).isEqualTo("wait");
        assertThat(wait.get("attempts").asInt()).isEqualTo(4);
        assertThat(wait.get("succeeded").asInt()).isEqualTo(3);
        assertThat(wait.get("failed").asInt()).isEqualTo(1);
        assertThat(wait.at("/duration_seconds/p50").asDouble()).isBetween(0.05, 30.0);
        JsonNode say = stats.at("/steps/1");
        assertThat(say.get("id").asText()).isEqualTo("say");
        assertThat(say.get("attempts").asInt()).isEqualTo(3);
        assertThat(stats.get("steps")).hasSize(2);

        JsonNode hour = TestNode.expect(node.call("GET", "/api/v1/jobs/counted/stats?window=PT1H", null), 200);
        assertThat(hour.get("runs").asInt()).isEqualTo(4);
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "idle", "steps": [{"id": "say", "type": "log", "message": "never"}]}"""), 201);
        JsonNode idle = TestNode.expect(node.call("GET", "/api/v1/jobs/idle/stats", null), 200);
        assertThat(idle.get("runs").asInt()).isZero();
        assertThat(idle.get("success_rate").isNull()).isTrue();
        assertThat(idle.at("/duration_seconds/p50").isNull()).isTrue();
        assertThat(idle.get("steps")).isEmpty();
    }

    @Test
    void statisticsOfAnUnknownJobAre404AndABadWindowIs400() throws Exception {
        HttpResponse<String> unknown = node.call("GET", "/api/v1/jobs/no-such-job/stats", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "windowed", "steps": [{"id": "say", "type": "log", "message": "hi"}]}"""), 201);
        for (String window : List.of("P91D", "seven-days", "-P1D", "PT0S", "P1W")) {
            HttpResponse<String> bad = node.call("GET", "/api/v1/jobs/windowed/stats?window=" + window, null);
            assertThat(bad.statusCode()).as(window).isEqualTo(400);
            assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(TestNode.JSON.readTree(bad.body()).at("/errors/0/path").asText()).isEqualTo("window");
        }
        assertThat(node.call("GET", "/api/v1/jobs/windowed/stats", null, null).statusCode()).as("a read of the API")
                .isEqualTo(401);
    }

    @Test
    void withMetricsAuthTheMetricsTakeATokenAndHealthStaysOpen(@TempDir Path dir) throws Exception {
        int port = TestNode.freePort();
        Caravan guarded = Caravan.start(CaravanConfig.from(Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(port),
                "CARAVAN_DATA_DIR", dir.toString(),
                "CARAVAN_ADMIN_TOKEN", TestNode.TOKEN,
                "CARAVAN_WORKERS", "1",
                "CARAVAN_METRICS_AUTH", "true")));
        try {
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> refused = get(base + "/metrics", null);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).contains("CARAVAN_METRICS_AUTH");
            assertThat(get(base + "/metrics", "not-a-token").statusCode()).isEqualTo(401);
            HttpResponse<String> served = get(base + "/metrics", TestNode.TOKEN);
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).contains("caravan_queue_depth{status=\"queued\"}");
            assertThat(get(base + "/health", null).statusCode()).isEqualTo(200);
        } finally {
            guarded.close();
        }
        assertThat(scrape(null).status).as("open by default").isEqualTo(200);
    }

    /** Inserts an execution of {@code metered} that a node that is gone held: its lease has run out. */
    private String takenOver() throws Exception {
        UUID id = UUID.randomUUID();
        node.sql("insert into executions (id, job_id, job_version, status, trigger, total_steps, context_path, node_id,"
                + " started_at, lease_epoch, lease_expires_at) values (?, 'metered', 1, 'RUNNING', '{\"type\": \"manual\"}',"
                + " 2, ?, 'gone', now(), 1, now() - interval '1 second')", id,
                "jobs/metered/executions/" + id + "/context.json");
        return id.toString();
    }

    private HttpResponse<String> webhook(String job, String id, String body, String secret) throws Exception {
        long ts = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Signatures.key(secret), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(URI.create(node.base() + "/hooks/" + job))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("webhook-id", id).header("webhook-timestamp", String.valueOf(ts))
                .header("webhook-signature", "v1," + signature).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Scrape scrape(String token) throws Exception {
        HttpResponse<String> response = get(node.base() + "/metrics", token);
        return new Scrape(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    /** One answer of {@code /metrics}, read as Prometheus text. */
    private record Scrape(int status, String contentType, String text) {

        /** The value of the one series of {@code name} that has these labels (and any others), or null when none has. */
        Double value(String name, Map<String, String> labels) {
            Double found = null;
            for (String line : text.split("\n")) {
                Matcher m = SERIES.matcher(line);
                if (!m.matches() || !m.group(1).equals(name)) {
                    continue;
                }
                Map<String, String> has = new HashMap<>();
                Matcher l = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
                while (l.find()) {
                    has.put(l.group(1), l.group(2));
                }
                if (has.entrySet().containsAll(labels.entrySet())) {
                    assertThat(found).as("more than one series of " + name + " with " + labels).isNull();
                    found = Double.parseDouble(m.group(3));
                }
            }
            return found;
        }

        /** How much a series grew since {@code before}, where it may not have been yet. */
        double delta(Scrape before, String name, Map<String, String> labels) {
            Double now = value(name, labels);
            Double then = before.value(name, labels);
            return (now == null ? 0 : now) - (then == null ? 0 : then);
        }
    }
}
