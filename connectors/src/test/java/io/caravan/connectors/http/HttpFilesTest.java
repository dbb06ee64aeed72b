package io.caravan.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.job.step.StepException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http with files: downloads into files of the execution and uploads from them, against real servers. */
class HttpFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BIG = 30L * 1024 * 1024;

    @TempDir
    static Path dir;
    private static TestStore store;
    private static HttpServer server;
    private static final List<String> requests = new CopyOnWriteArrayList<>();
    private static final AtomicReference<byte[]> received = new AtomicReference<>();
    private static final AtomicReference<String> receivedType = new AtomicReference<>();

    private final HttpStep step = new HttpStep();
    private final TestCall call = TestCall.of(store.camel(), "fetch");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/big", HttpFilesTest::big);
        server.createContext("/missing", exchange -> answer(exchange, 404, "no such export"));
        server.createContext("/upload", exchange -> {
            received.set(exchange.getRequestBody().readAllBytes());
            receivedType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
            answer(exchange, 201, "{\"stored\": true}");
        });
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop(0);
        store.close();
    }

    /** 30 MiB of seeded random bytes, sent chunked (no length known ahead), as a download would be. */
    private static void big(HttpExchange exchange) throws java.io.IOException {
        requests.add(exchange.getRequestURI().getPath());
        exchange.getResponseHeaders().add("Content-Type", "text/csv; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        Random random = new Random(7);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            for (long sent = 0; sent < BIG; sent += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws java.io.IOException {
        requests.add(exchange.getRequestURI().getPath());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(String json) throws Exception {
        return (Map<String, Object>) step.run(JSON.readValue(json, HttpConfig.class), call);
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String expectedSha() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(7);
        byte[] chunk = new byte[64 * 1024];
        for (long sent = 0; sent < BIG; sent += chunk.length) {
            random.nextBytes(chunk);
            digest.update(chunk);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Test
    @SuppressWarnings("unchecked")
    void saveAsStreamsABodyOfAnySizeIntoAFileThenUploadsItBack() throws Exception {
        Map<String, Object> output = run("{\"url\": \"%s\", \"saveAs\": \"export.csv\"}".formatted(url("/big")));

        Map<String, Object> file = (Map<String, Object>) output.get("file");
        assertThat(output).containsEntry("status", 200).doesNotContainKey("body");
        assertThat(file).containsEntry("filename", "export.csv").containsEntry("size", BIG)
                .containsEntry("mime_type", "text/csv");
        String sha = expectedSha();
        try (InputStream in = ExecutionFiles.of(call).open(file, "file")) {
            assertThat(sha256(in)).isEqualTo(sha);
        }

        Map<String, Object> sent = run("{\"method\": \"PUT\", \"url\": \"%s\", \"file\": %s}".formatted(url("/upload"),
                JSON.writeValueAsString(file)));
        assertThat(sent).containsEntry("status", 201);
        assertThat(received.get()).hasSize((int) BIG);
        assertThat(sha256(new java.io.ByteArrayInputStream(received.get()))).isEqualTo(sha);
        assertThat(receivedType.get()).startsWith("text/csv");
    }

    @Test
    void aMultipartUploadCarriesTheFileAndTheFormFields() throws Exception {
        Map<String, Object> file = ExecutionFiles.of(call).write("report.csv", "file", out -> {
            out.write("a,b\r\n1,2\r\n".getBytes(StandardCharsets.UTF_8));
            return 1L;
        });
        run("{\"method\": \"POST\", \"url\": \"%s\", \"file\": %s, \"fileField\": \"document\", \"body\": {\"kind\": \"daily\"}}"
                .formatted(url("/upload"), JSON.writeValueAsString(file)));

        String body = new String(received.get(), StandardCharsets.UTF_8);
        assertThat(receivedType.get()).startsWith("multipart/form-data;").contains("charset=UTF-8").contains("boundary=");
        assertThat(body).contains("name=\"document\"; filename=\"report.csv\"").contains("a,b\r\n1,2\r\n")
                .contains("name=\"kind\"").contains("daily");
    }

    @Test
    void anUnexpectedStatusFailsWithAnExcerptAndWritesNoFile() throws Exception {
        assertThatThrownBy(() -> run("{\"url\": \"%s\", \"saveAs\": \"gone.csv\"}".formatted(url("/missing"))))
                .isInstanceOfSatisfying(StepException.class, e -> {
                    assertThat(e.type()).isEqualTo("http.status");
                    assertThat(e.getMessage()).contains("HTTP 404").contains("no such export");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(store.store().get(ExecutionFiles.of(call).path("gone.csv"))).isNull();
    }

    @Test
    void aGivenLimitStillHoldsAndABadNameIsRefusedBeforeAnyRequest() throws Exception {
        assertThatThrownBy(() -> run("{\"url\": \"%s\", \"saveAs\": \"capped.csv\", \"maxResponseBytes\": 1048576}"
                .formatted(url("/big")))).isInstanceOfSatisfying(StepException.class,
                        e -> assertThat(e.type()).isEqualTo("http.too_large"));

        int before = requests.size();
        assertThatThrownBy(() -> run("{\"url\": \"%s\", \"saveAs\": \"../../definition.json\"}".formatted(url("/big"))))
                .isInstanceOf(StepException.class).hasMessageContaining("saveAs").hasMessageContaining("is a path");
        assertThat(requests).hasSize(before);
    }

    @Test
    void aDownloadFromAMetadataAddressIsRefusedByTheDefaultEgressPolicyAndWritesNoFile() throws Exception {
        assertThatThrownBy(() -> run("{\"url\": \"http://169.254.169.254/latest/user-data\", \"saveAs\": \"meta.txt\"}"))
                .isInstanceOfSatisfying(StepException.class, e -> {
                    assertThat(e.type()).isEqualTo("http.egress");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(store.store().get(ExecutionFiles.of(call).path("meta.txt"))).isNull();
    }
}
