package io.caravan.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.caravan.connectors.tls.SelfSigned;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problem;
import io.caravan.job.validation.Problems;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http step verifies an https server's certificate: against the JVM's trust store, or the CAs a step gives. */
class HttpTlsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpStep step = new HttpStep();
    private SelfSigned server;
    private HttpsServer https;
    private DefaultCamelContext camel;
    private StepCall call;

    @BeforeEach
    void start() throws Exception {
        server = SelfSigned.make(dir, "server");
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(server.serverContext()));
        https.createContext("/hello", exchange -> {
            byte[] body = "{\"hello\": \"tls\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        https.start();
        camel = new DefaultCamelContext();
        camel.start();
        call = io.caravan.connectors.TestCall.of(camel, "call");
    }

    @AfterEach
    void stop() {
        camel.stop();
        https.stop(0);
    }

    @Test
    void aCertificateTheJvmDoesNotTrustIsRefusedAsANonRetryableTlsError() {
        assertThatThrownBy(() -> run(null))
                .isInstanceOfSatisfying(StepException.class, e -> {
                    assertThat(e.type()).isEqualTo("http.tls");
                    assertThat(e.retryable()).isFalse();
                })
                .hasMessageContaining("GET " + url()).hasMessageContaining("give the server's CA in ca");
    }

    @Test
    void theServersCaGivenInTheStepIsTrusted() throws Exception {
        assertThat(run(server.pem())).containsEntry("status", 200).containsEntry("body", Map.of("hello", "tls"));
    }

    @Test
    void anotherCaDoesNotMakeTheServerTrusted() throws Exception {
        String other = SelfSigned.make(dir, "other").pem();
        assertThatThrownBy(() -> run(other)).isInstanceOfSatisfying(StepException.class,
                e -> assertThat(e.type()).isEqualTo("http.tls"));
    }

    @Test
    void aCaThatIsNotPemCertificatesIsAProblemOfTheStep() throws Exception {
        Problems problems = new Problems();
        step.check(JSON.readValue("{\"url\": \"https://x\", \"ca\": \"-----BEGIN PRIVATE KEY-----\"}", HttpConfig.class),
                problems);
        assertThat(problems.list()).extracting(Problem::message).singleElement().asString()
                .startsWith("ca is not PEM certificates");
    }

    private String url() {
        return "https://127.0.0.1:" + https.getAddress().getPort() + "/hello";
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(String ca) throws Exception {
        Map<String, Object> config = new java.util.HashMap<>(Map.of("url", url()));
        if (ca != null) {
            config.put("ca", ca);
        }
        return (Map<String, Object>) step.run(JSON.convertValue(config, HttpConfig.class), call);
    }
}
