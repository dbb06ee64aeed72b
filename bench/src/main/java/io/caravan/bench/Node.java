package io.caravan.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A Caravan node started as its own process ({@code java -jar}), as an operator starts one. */
final class Node implements AutoCloseable {

    static final String TOKEN = "bench-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;

    private Node(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * The environment that points a node at an embedded PostgreSQL and S3 server the harness
     * runs (so that several nodes, and the harness's own queries, share them).
     */
    static Map<String, String> sharedStores(io.caravan.runtime.embedded.EmbeddedDatabase pg,
            io.caravan.runtime.embedded.EmbeddedObjectStore s3) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("CARAVAN_DB_URL", pg.jdbcUrl(io.caravan.runtime.embedded.EmbeddedDatabase.CARAVAN_DB));
        env.put("CARAVAN_LOCAL_DB_URL", pg.jdbcUrl(io.caravan.runtime.embedded.EmbeddedDatabase.LOCAL_DB));
        env.put("CARAVAN_S3_ENDPOINT", s3.endpoint());
        env.put("CARAVAN_S3_ACCESS_KEY", io.caravan.runtime.embedded.EmbeddedObjectStore.ACCESS_KEY);
        env.put("CARAVAN_S3_SECRET_KEY", io.caravan.runtime.embedded.EmbeddedObjectStore.SECRET_KEY);
        return env;
    }

    /** Starts a node of {@code jar} with {@code env} added to its environment; returns once it is healthy. */
    static Node start(Path jar, Map<String, String> env, Path log) throws Exception {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("CARAVAN_"));
        builder.environment().putAll(env);
        builder.environment().put("CARAVAN_HTTP_PORT", String.valueOf(port));
        builder.environment().put("CARAVAN_ADMIN_TOKEN", TOKEN);
        Node node = new Node(builder.start(), port);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!node.healthy()) {
            if (!node.process.isAlive() || System.nanoTime() > deadline) {
                node.close();
                throw new IllegalStateException("node did not become healthy; see " + log);
            }
            Thread.sleep(100);
        }
        return node;
    }

    private boolean healthy() {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Calls the API with the admin token; the response whatever its status. */
    HttpResponse<String> call(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Calls the API and fails unless it answers 2xx. */
    String expect2xx(String method, String path, String json) throws Exception {
        HttpResponse<String> response = call(method, path, json);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops the node as an operator does (SIGTERM) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
