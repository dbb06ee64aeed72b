package io.caravan.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.runtime.config.CaravanConfig;
import io.minio.GetObjectArgs;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A whole Caravan node for tests: embedded PostgreSQL and S3 in a temporary data dir, and an API client. */
final class TestNode implements AutoCloseable {

    static final String TOKEN = "test-admin-token";
    static final ObjectMapper JSON = new ObjectMapper();

    final Caravan caravan;
    final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private boolean ownsDataDir;

    private TestNode(Caravan caravan, Path dataDir) {
        this.caravan = caravan;
        this.dataDir = dataDir;
    }

    /** A node on a temporary data dir, removed when the node is closed. */
    static TestNode start() throws Exception {
        return start(4);
    }

    /** A node with this many workers on a temporary data dir, removed when the node is closed. */
    static TestNode start(int workers) throws Exception {
        Path dir = Files.createTempDirectory("caravan-it");
        try {
            TestNode node = start(dir, freePort(), workers);
            node.ownsDataDir = true;
            return node;
        } catch (Exception | Error e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** Removes a directory and everything in it (an embedded PostgreSQL leaves ~60 MB). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static TestNode start(Path dir, int port) throws Exception {
        return start(dir, port, 4);
    }

    private static TestNode start(Path dir, int port, int workers) throws Exception {
        Caravan caravan = Caravan.start(CaravanConfig.from(Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(port),
                "CARAVAN_DATA_DIR", dir.toString(),
                "CARAVAN_ADMIN_TOKEN", TOKEN,
                "CARAVAN_WORKERS", String.valueOf(workers))));
        return new TestNode(caravan, dir);
    }

    /** A client of a node started some other way. */
    static TestNode wrap(Caravan caravan, Path dataDir) {
        return new TestNode(caravan, dataDir);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String base() {
        return "http://127.0.0.1:" + caravan.port();
    }

    /** An authenticated call; body null for none. */
    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return call(method, path, body, TOKEN);
    }

    HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a response that must have this status (its body is shown when it has not). */
    static JsonNode expect(HttpResponse<String> response, int status) throws Exception {
        org.assertj.core.api.Assertions.assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** Starts a run and returns the execution id. */
    String run(String jobId, String paramsJson) throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/jobs/" + jobId + "/executions",
                "{\"params\":" + (paramsJson == null ? "{}" : paramsJson) + "}");
        if (r.statusCode() != 202) {
            throw new AssertionError("run of " + jobId + " answered " + r.statusCode() + ": " + r.body());
        }
        return json(r).get("id").asText();
    }

    /** Polls an execution until it has ended, and returns it. */
    JsonNode awaitEnd(String executionId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode e = json(call("GET", "/api/v1/executions/" + executionId, null));
            String status = e.path("status").asText();
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                return e;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("execution " + executionId + " did not end in 60 s");
    }

    /** Runs a statement on Caravan's own database, with bound arguments. */
    void sql(String statement, Object... args) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(caravan.databaseUrl(), "postgres", "postgres");
                java.sql.PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** The first column of every row a query on Caravan's own database returns, as text. */
    java.util.List<String> query(String statement, Object... args) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(caravan.databaseUrl(), "postgres", "postgres");
                java.sql.PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            java.util.List<String> rows = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        }
    }

    /** Reads an object straight from the S3 store as UTF-8 text. */
    String text(String key) throws Exception {
        try (InputStream in = caravan.objectStoreClient().getObject(
                GetObjectArgs.builder().bucket(caravan.bucket()).object(key).build())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Reads an object straight from the S3 store, or null. */
    JsonNode object(String key) throws Exception {
        try (InputStream in = caravan.objectStoreClient().getObject(
                GetObjectArgs.builder().bucket(caravan.bucket()).object(key).build())) {
            return JSON.readTree(in);
        } catch (io.minio.errors.ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        caravan.close();
        if (ownsDataDir) {
            deleteTree(dataDir);
        }
    }
}
