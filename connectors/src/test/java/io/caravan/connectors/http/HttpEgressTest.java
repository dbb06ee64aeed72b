package io.caravan.connectors.http;

import static io.caravan.connectors.Failures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.caravan.connectors.TestCall;
import io.caravan.connectors.egress.AddressBlock;
import io.caravan.connectors.egress.EgressPolicy;
import io.caravan.job.step.StepException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The http step under an egress policy, against JDK HTTP servers on 127.0.0.1 and 127.0.0.2 (two
 * loopback addresses, so that one can be allowed and the other denied).
 */
class HttpEgressTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpStep step = new HttpStep();
    /** Every request a server received, as "address path". */
    private final List<String> hits = new CopyOnWriteArrayList<>();

    private HttpServer first;
    private HttpServer second;
    private DefaultCamelContext camel;

    @BeforeEach
    void start() throws IOException {
        first = server("127.0.0.1");
        second = server("127.0.0.2");
        first.createContext("/to-second", exchange -> {
            hits.add("127.0.0.1 " + exchange.getRequestURI().getPath());
            exchange.getResponseHeaders().add("Location", url(second, "/landing"));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        first.stop(0);
        second.stop(0);
    }

    private HttpServer server(String address) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.createContext("/", exchange -> {
            hits.add(address + " " + exchange.getRequestURI().getPath());
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String url(HttpServer server, String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + path;
    }

    private void policy(String deny, String allow) {
        camel.getRegistry().bind(EgressPolicy.BEAN, new EgressPolicy(AddressBlock.parse("deny", deny),
                AddressBlock.parse("allow", allow)));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(String config) throws Exception {
        return (Map<String, Object>) step.run(JSON.readValue(config, HttpConfig.class), TestCall.of(camel, "call"));
    }

    private StepException refused(String url) {
        StepException e = failure(() -> run("{\"url\": \"" + url + "\", \"connectTimeout\": \"PT5S\"}"));
        assertThat(e.type()).as(e.getMessage()).isEqualTo("http.egress");
        assertThat(e.retryable()).isFalse();
        return e;
    }

    @Test
    void withLoopbackDeniedADirectCallIsRefusedBeforeAnyConnection() {
        policy("loopback", "");

        StepException e = refused(url(first, "/direct"));

        assertThat(e).hasMessage("GET " + url(first, "/direct")
                + " refused: 127.0.0.1 is in loopback 127.0.0.0/8, which the egress policy denies");
        assertThat(hits).isEmpty();
    }

    @Test
    void aRedirectToADeniedAddressIsRefused() {
        policy("127.0.0.2/32", "");

        StepException e = refused(url(first, "/to-second"));

        assertThat(e).hasMessageContaining("127.0.0.2 is in 127.0.0.2/32");
        assertThat(hits).containsExactly("127.0.0.1 /to-second");
    }

    @Test
    void aRedirectToAnAllowedAddressIsFollowed() throws Exception {
        policy("127.0.0.3/32, link-local", "");

        assertThat(run("{\"url\": \"" + url(first, "/to-second") + "\"}")).containsEntry("body", "ok");
        assertThat(hits).containsExactly("127.0.0.1 /to-second", "127.0.0.2 /landing");
    }

    @Test
    void aNameResolvingToADeniedAddressIsRefused() {
        policy("loopback", "");

        StepException e = refused("http://localhost:" + first.getAddress().getPort() + "/by-name");

        assertThat(e).hasMessageContaining("refused: localhost (").hasMessageContaining("in loopback");
        assertThat(hits).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://0.0.0.0:%d/", "http://[::ffff:127.0.0.1]:%d/", "http://[::1]:%d/",
        "http://127.1.2.3:%d/"})
    void otherSpellingsOfThisHostAreRefusedWithLoopback(String template) {
        policy("loopback", "");

        refused(template.formatted(first.getAddress().getPort()));

        assertThat(hits).isEmpty();
    }

    @Test
    void metadataAddressIsRefusedByDefaultWithoutAConnectionAttempt() {
        long started = System.nanoTime();

        StepException e = refused("http://169.254.169.254/latest/meta-data/");

        // a connection attempt would fail with http.connection or http.timeout, and take longer
        assertThat(e).hasMessageContaining("169.254.169.254 is in link-local 169.254.0.0/16");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void ipv4MappedMetadataAddressIsRefusedByDefault() {
        StepException e = refused("http://[::ffff:169.254.169.254]/latest/meta-data/");

        assertThat(e).hasMessageContaining("link-local 169.254.0.0/16");
    }

    @Test
    void awsIpv6MetadataAddressIsRefusedByDefault() {
        assertThat(refused("http://[fd00:ec2::254]/latest/meta-data/")).hasMessageContaining("link-local fd00:ec2::254/128");
    }

    @Test
    void anAllowedCallStillWorks() throws Exception {
        policy("private, link-local", "");

        assertThat(run("{\"url\": \"" + url(first, "/fine") + "\"}")).containsEntry("status", 200).containsEntry("body", "ok");
        assertThat(run("{\"url\": \"http://localhost:" + first.getAddress().getPort() + "/by-name\"}"))
                .containsEntry("status", 200);
    }

    @Test
    void allowWinsOverDeny() throws Exception {
        policy("loopback", "127.0.0.1/32");

        assertThat(run("{\"url\": \"" + url(first, "/allowed") + "\"}")).containsEntry("status", 200);
        refused(url(second, "/still-denied"));
        assertThat(hits).containsExactly("127.0.0.1 /allowed");
    }

    @Test
    void anUnknownNameIsStillAConnectionError() {
        StepException e = failure(() -> run("{\"url\": \"http://no-such-host.invalid/\"}"));

        assertThat(e.type()).isEqualTo("http.connection");
        assertThat(e.retryable()).isTrue();
        assertThat(e).hasMessageContaining("UnknownHostException");
    }
}
