package io.caravan.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problem;
import io.caravan.job.validation.Problems;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http step through camel-http against JDK HTTP servers on 127.0.0.1. */
class HttpStepTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpStep step = new HttpStep();
    /** The Authorization header each path received (absent: "none"). */
    private final Map<String, String> authorization = new ConcurrentHashMap<>();
    private final AtomicLong streamed = new AtomicLong();

    private HttpServer api;
    private HttpServer other;
    private DefaultCamelContext camel;
    private StepCall call;

    @BeforeEach
    void start() throws Exception {
        api = server();
        other = server();
        api.createContext("/old", reply(302, "/new", "moved"));
        api.createContext("/new", reply(200, null, "here"));
        api.createContext("/away", exchange -> reply(302, base(other) + "/landing", "").handle(exchange));
        other.createContext("/landing", reply(200, null, "landed"));
        api.createContext("/small", reply(200, null, "x".repeat(1000)));
        api.createContext("/endless", this::endless);
        camel = new DefaultCamelContext();
        camel.start();
        call = io.caravan.connectors.TestCall.of(camel, "http");
    }

    @AfterEach
    void stop() {
        camel.stop();
        api.stop(0);
        other.stop(0);
    }

    private HttpServer server() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.start();
        return server;
    }

    private static String base(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private HttpHandler reply(int status, String location, String body) {
        return exchange -> {
            authorization.put(exchange.getRequestURI().getPath(),
                    String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")).replace("null", "none"));
            exchange.getRequestBody().readAllBytes();
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head || bytes.length == 0 ? -1 : bytes.length);
            if (!head) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        };
    }

    /** A chunked body of up to 1 GiB, written until the client goes away. */
    private void endless(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 16 * 1024; i++) {
                out.write(chunk);
                streamed.addAndGet(chunk.length);
            }
        } catch (IOException clientLeft) {
            // expected: the step stops reading
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(String config) throws Exception {
        return (Map<String, Object>) step.run(JSON.readValue(config, HttpConfig.class), call);
    }

    @Test
    void getFollowsARedirectOnTheSameOriginWithItsCredentials() throws Exception {
        Map<String, Object> output = run("""
            {"url": "%s/old", "auth": {"bearer": "t0ken"}}""".formatted(base(api)));

        assertThat(output).containsEntry("status", 200).containsEntry("body", "here");
        assertThat(authorization).containsEntry("/old", "Bearer t0ken").containsEntry("/new", "Bearer t0ken");
    }

    @Test
    void headFollowsARedirect() throws Exception {
        assertThat(run("""
            {"method": "HEAD", "url": "%s/old"}""".formatted(base(api)))).containsEntry("status", 200);
        assertThat(authorization).containsKey("/new");
    }

    @Test
    void redirectToAnotherOriginIsFollowedWithoutTheAuthorizationHeader() throws Exception {
        Map<String, Object> output = run("""
            {"url": "%s/away", "auth": {"bearer": "t0ken"}}""".formatted(base(api)));

        assertThat(output).containsEntry("status", 200).containsEntry("body", "landed");
        assertThat(authorization).containsEntry("/away", "Bearer t0ken").containsEntry("/landing", "none");
    }

    @Test
    void otherMethodsDoNotFollowRedirects() throws Exception {
        Map<String, Object> output = run("""
            {"method": "POST", "url": "%s/old", "body": {"a": 1}, "expectedStatus": [302]}""".formatted(base(api)));

        assertThat(output).containsEntry("status", 302);
        assertThat((Map<String, Object>) output.get("headers")).containsEntry("location", "/new");
        assertThat(authorization).doesNotContainKey("/new");
    }

    @Test
    void bodyWithinTheLimitIsRead() throws Exception {
        assertThat(run("""
            {"url": "%s/small", "maxResponseBytes": 1000}""".formatted(base(api)))).containsEntry("body", "x".repeat(1000));
    }

    @Test
    void bodyWithADeclaredLengthOverTheLimitFailsAsTooLarge() {
        assertThatThrownBy(() -> run("""
            {"url": "%s/small", "maxResponseBytes": 999}""".formatted(base(api))))
                .isInstanceOfSatisfying(StepException.class, e -> {
                    assertThat(e.type()).isEqualTo("http.too_large");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e).hasMessageContaining("more than 999 bytes");
                });
    }

    @Test
    void endlessBodyFailsAsTooLargeWithoutBeingReadToTheEnd() throws Exception {
        long started = System.nanoTime();
        assertThatThrownBy(() -> run("""
            {"url": "%s/endless"}""".formatted(base(api))))
                .isInstanceOfSatisfying(StepException.class, e -> {
                    assertThat(e.type()).isEqualTo("http.too_large");
                    assertThat(e).hasMessageContaining("more than 10485760 bytes");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        Thread.sleep(200); // let the server notice the closed connection
        assertThat(streamed.get()).as("bytes the server could send").isLessThan(100L * 1024 * 1024);
        assertThat(run("""
            {"url": "%s/small"}""".formatted(base(api)))).as("the same client goes on working").containsEntry("status", 200);
    }

    @Test
    void maxResponseBytesBelowOneIsAProblem() throws Exception {
        Problems problems = new Problems();
        step.check(JSON.readValue("{\"url\": \"http://x\", \"maxResponseBytes\": 0}", HttpConfig.class),
                problems.at(".steps[0]"));

        assertThat(problems.list()).extracting(Problem::path).containsExactly("$.steps[0].maxResponseBytes");
    }
}
