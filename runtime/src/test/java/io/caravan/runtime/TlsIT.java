package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.connectors.tls.TrustedCertificates;
import io.caravan.runtime.config.CaravanConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over HTTPS: a node given a certificate and key serves only HTTPS on its port. */
class TlsIT {

    @Test
    void aNodeWithACertificateServesHttpsOnlyAndTheCliTrustsTheGivenCa(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.make(dir);
        int port = TestNode.freePort();
        Caravan caravan = Caravan.start(CaravanConfig.from(Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(port),
                "CARAVAN_DATA_DIR", dir.resolve("data").toString(),
                "CARAVAN_ADMIN_TOKEN", TestNode.TOKEN,
                "CARAVAN_WORKERS", "2",
                "CARAVAN_TLS_CERT", certs.cert().toString(),
                "CARAVAN_TLS_KEY", certs.key().toString(),
                "CARAVAN_TLS_REQUIRED", "true")));
        try {
            String base = "https://127.0.0.1:" + port;
            HttpClient trusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .sslContext(TrustedCertificates.sslContext(Files.readString(certs.cert()), "test CA")).build();
            assertThat(get(trusting, base + "/health", null).statusCode()).isEqualTo(200);
            HttpResponse<String> jobs = get(trusting, base + "/api/v1/jobs", TestNode.TOKEN);
            assertThat(jobs.statusCode()).as(jobs.body()).isEqualTo(200);
            assertThat(jobs.headers().firstValue("Strict-Transport-Security")).as("browsers keep to HTTPS")
                    .hasValue("max-age=31536000");
            assertThat(get(trusting, base + "/api/v1/jobs", null).statusCode()).as("the token is still needed").isEqualTo(401);

            HttpClient jvmTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> get(jvmTrust, base + "/health", null))
                    .as("a certificate the JVM does not trust").isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> get(jvmTrust, "http://127.0.0.1:" + port + "/health", null))
                    .as("plain HTTP on the HTTPS port").isInstanceOf(IOException.class);

            Result trusted = cli("runs", "--server", base, "--token", TestNode.TOKEN, "--ca", certs.cert().toString());
            assertThat(trusted.code).as(trusted.out).isZero();
            Result untrusted = cli("runs", "--server", base, "--token", TestNode.TOKEN);
            assertThat(untrusted.code).isEqualTo(1);
            assertThat(untrusted.out).contains("refused: cannot reach " + base);
        } finally {
            caravan.close();
        }
    }

    @Test
    void aCertificateThatCannotBeReadStopsTheStartNamingTheVariable(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.make(dir);
        Map<String, String> config = Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(TestNode.freePort()),
                "CARAVAN_DATA_DIR", dir.resolve("data").toString(),
                "CARAVAN_TLS_CERT", dir.resolve("missing.pem").toString(),
                "CARAVAN_TLS_KEY", certs.key().toString());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Caravan.start(CaravanConfig.from(config)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CARAVAN_TLS_CERT").hasMessageContaining("missing.pem");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("before the database starts").isLessThan(Duration.ofSeconds(5));
        assertThat(dir.resolve("data/postgres")).doesNotExist();
    }

    private static HttpResponse<String> get(HttpClient client, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Result(int code, String out) {
    }

    /** {@code java -jar target/caravan.jar args…}, as {@link CliIT} runs it. */
    private static Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "caravan.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("CARAVAN_CA_FILE");
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
