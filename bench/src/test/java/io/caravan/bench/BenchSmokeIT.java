package io.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.runtime.Caravan;
import io.caravan.runtime.config.CaravanConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's 10-second smoke run, for CI (which has no wrk): W1 — a signed webhook, three
 * {@code set} steps, the answer sync — on a node with embedded defaults, driven by the JVM load
 * generator. It checks the benchmark still works end to end and prints its figure; the figures
 * that count come from {@code bench/run.sh} on a quiet machine.
 */
class BenchSmokeIT {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void tenSecondsOfSignedSyncWebhooksAreAllAnsweredWithTheResponseStep(@TempDir Path dir) throws Exception {
        Caravan caravan = Caravan.start(CaravanConfig.from(Map.of("CARAVAN_DATA_DIR", dir.toString(),
                "CARAVAN_HTTP_PORT", String.valueOf(Node.freePort()), "CARAVAN_ADMIN_TOKEN", Node.TOKEN)));
        try {
            String base = "http://127.0.0.1:" + caravan.port();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                    .header("Authorization", "Bearer " + Node.TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(w1())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            Load.Result result = Load.run(URI.create(base + "/hooks/w1"), SECRET, 4, Duration.ofSeconds(10));
            System.out.println("bench smoke W1 c=4 (JVM generator): " + result.summary());

            assertThat(result.requests()).as("answered deliveries").isGreaterThan(10);
            assertThat(result.non2xx()).as("answers other than 2xx").isZero();
            assertThat(result.errors()).as("failed requests").isZero();
            HttpResponse<String> one = http.send(HttpRequest.newBuilder(URI.create(base + "/hooks/w1"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(one.statusCode()).as("an unsigned call is refused").isEqualTo(401);
        } finally {
            caravan.close();
        }
    }

    /** bench/run.sh's W1. */
    private static String w1() {
        return """
                {"id": "w1", "triggers": [{"type": "webhook", "secret": "%s", "respond": "sync", "responseStep": "respond"}],
                 "steps": [{"id": "a", "type": "set", "variables": {"a": 1}}, {"id": "b", "type": "set", "variables": {"b": "two"}},
                           {"id": "respond", "type": "set", "variables": {"a": "{{ variables.a }}", "b": "{{ variables.b }}"}}]}"""
                .formatted(SECRET);
    }
}
