package io.caravan.runtime.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Caravan node in its own JVM ({@code java -jar target/caravan.jar}), configured through its
 * environment to use the cluster's {@link SharedServices}, with a port and data directory of its
 * own that stay the same across restarts. It can be killed (SIGKILL), paused (SIGSTOP), resumed,
 * terminated (SIGTERM) and restarted, and it carries an API client. Output goes to a log file,
 * appended across restarts.
 */
public final class NodeProcess implements AutoCloseable {

    /** The admin token every node is given. */
    public static final String ADMIN_TOKEN = "cluster-admin-token";
    /** What {@link Process#exitValue()} reports for a process ended by SIGKILL (128 + 9). */
    public static final int SIGKILL_EXIT = 137;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final String HEALTH_PATH = "/health";
    /** Every node JVM still running, killed by a shutdown hook if the test JVM exits without closing them. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "cluster-node-reaper"));
    }

    private final String nodeId;
    private final int port;
    private final Path dataDir;
    private final Path logFile;
    private final Path jar;
    private final Map<String, String> env;
    private Process process;
    private HttpClient http;
    private boolean paused;
    private int starts;

    /**
     * A node, not started yet. {@code extraEnv} is added to (and overrides) the environment
     * built from {@code services}; the default workers, lease and heartbeat are 2, 6 s and 2 s.
     */
    public NodeProcess(String nodeId, SharedServices services, Path dataDir, Path logFile, Map<String, String> extraEnv)
            throws IOException {
        this.nodeId = nodeId;
        this.port = Ports.free();
        this.dataDir = Files.createDirectories(dataDir);
        this.logFile = logFile;
        this.jar = caravanJar();
        Map<String, String> e = new LinkedHashMap<>();
        e.put("CARAVAN_HTTP_PORT", String.valueOf(port));
        e.put("CARAVAN_DATA_DIR", this.dataDir.toString());
        e.put("CARAVAN_DB_URL", services.caravanDb().url());
        e.put("CARAVAN_DB_USER", SharedServices.DB_USER);
        e.put("CARAVAN_DB_PASSWORD", SharedServices.DB_PASSWORD);
        e.put("CARAVAN_LOCAL_DB_URL", services.localDb().url());
        e.put("CARAVAN_S3_ENDPOINT", services.s3Endpoint());
        e.put("CARAVAN_S3_ACCESS_KEY", SharedServices.S3_ACCESS_KEY);
        e.put("CARAVAN_S3_SECRET_KEY", SharedServices.S3_SECRET_KEY);
        e.put("CARAVAN_S3_BUCKET", SharedServices.S3_BUCKET);
        e.put("CARAVAN_NODE_ID", nodeId);
        e.put("CARAVAN_ADMIN_TOKEN", ADMIN_TOKEN);
        e.put("CARAVAN_WORKERS", "2");
        e.put("CARAVAN_LEASE_SECONDS", "6");
        e.put("CARAVAN_HEARTBEAT_SECONDS", "2");
        e.putAll(extraEnv);
        int lease = Integer.parseInt(e.get("CARAVAN_LEASE_SECONDS"));
        int heartbeat = Integer.parseInt(e.get("CARAVAN_HEARTBEAT_SECONDS"));
        if (heartbeat < 1 || heartbeat * 3 > lease) {
            // Caravan would refuse to start; say so before spending a JVM start on it
            throw new IllegalArgumentException("CARAVAN_HEARTBEAT_SECONDS (" + heartbeat
                    + ") must be at least 1 and at most a third of CARAVAN_LEASE_SECONDS (" + lease + ")");
        }
        this.env = Map.copyOf(e);
    }

    /**
     * Starts the JVM and returns once {@code GET /health} answers 200; fails with the log's tail if
     * it does not. (The health route is served at {@code /health}, outside {@code /api/v1}.)
     */
    public synchronized NodeProcess start() throws IOException, InterruptedException {
        if (alive()) {
            throw new IllegalStateException(nodeId + " is already running (pid " + process.pid() + ")");
        }
        Files.createDirectories(logFile.getParent());
        if (starts == 0) {
            Files.deleteIfExists(logFile); // a file left by an earlier build; appended to from here on
        }
        starts++;
        mark("start #" + starts + " on port " + port);
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString()))
                // not the module dir: Caravan would read a caravan.properties lying there
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // CARAVAN_* of the build's own environment must not leak into the node
        pb.environment().keySet().removeIf(k -> k.startsWith("CARAVAN_"));
        pb.environment().putAll(env);
        process = pb.start();
        Process started = process;
        LIVE.add(started);
        started.onExit().thenRun(() -> LIVE.remove(started));
        paused = false;
        // a fresh client per JVM: pooled connections to the previous one are dead
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        awaitHealthy();
        return this;
    }

    /** Kills the JVM with SIGKILL (no shutdown hook runs) and waits until it has exited. */
    public synchronized void kill() throws IOException, InterruptedException {
        requireStarted();
        mark("SIGKILL");
        process.destroyForcibly(); // SIGKILL on Linux; the exit value below proves it
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(nodeId + " did not die from SIGKILL in 30 s");
        }
        paused = false;
        if (process.exitValue() != SIGKILL_EXIT) {
            throw new AssertionError(nodeId + " exited with " + process.exitValue() + ", not by SIGKILL (" + SIGKILL_EXIT
                    + "): it may have ended before the kill; log " + logFile.toAbsolutePath());
        }
    }

    /** Freezes the JVM with SIGSTOP and returns once the kernel reports it stopped. */
    public synchronized void pause() throws IOException, InterruptedException {
        requireAlive();
        mark("SIGSTOP");
        Signals.send(process.pid(), "STOP");
        paused = true;
        if (!Signals.awaitState(process.pid(), "Tt", Duration.ofSeconds(10))) {
            throw new IllegalStateException(nodeId + " is not stopped after SIGSTOP: state " + Signals.state(process.pid()));
        }
    }

    /** Lets a paused JVM run again (SIGCONT) and returns once it is no longer stopped. */
    public synchronized void resume() throws IOException, InterruptedException {
        requireAlive();
        Signals.send(process.pid(), "CONT");
        paused = false;
        if (!Signals.awaitState(process.pid(), "RSDI", Duration.ofSeconds(10))) {
            throw new IllegalStateException(nodeId + " still stopped after SIGCONT: state " + Signals.state(process.pid()));
        }
        mark("SIGCONT");
    }

    /**
     * Asks the JVM to stop with SIGTERM (Caravan's shutdown hook runs: running steps end,
     * leases are released), waits up to 60 s, and returns its exit value (143 for SIGTERM).
     */
    public synchronized int terminate() throws IOException, InterruptedException {
        requireStarted();
        mark("SIGTERM");
        process.destroy(); // SIGTERM
        if (paused) {
            // a stopped process keeps the SIGTERM pending until it runs again
            Signals.send(process.pid(), "CONT");
            paused = false;
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(nodeId + " did not stop within 60 s of SIGTERM and was killed; log "
                    + logFile.toAbsolutePath());
        }
        return process.exitValue();
    }

    /** Starts the node again after it ended, with the same node id, port, data directory and environment. */
    public synchronized NodeProcess restart() throws IOException, InterruptedException {
        requireStarted();
        return start();
    }

    /** The pid of the current (or last) JVM. */
    public synchronized long pid() {
        requireStarted();
        return process.pid();
    }

    /** Whether the JVM is running (a paused one is). */
    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Whether it is paused by {@link #pause()}. */
    public synchronized boolean paused() {
        return paused;
    }

    /** Whether {@code GET /health} answers 200 within {@code timeout}. */
    public boolean healthy(Duration timeout) {
        try {
            return call("GET", HEALTH_PATH, null, timeout).status() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The node's id ({@code CARAVAN_NODE_ID}). */
    public String nodeId() {
        return nodeId;
    }

    /** The API port. */
    public int port() {
        return port;
    }

    /** The API base URL. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The node's data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The environment the JVM is started with. */
    public Map<String, String> env() {
        return env;
    }

    /** The log file (output of every start of this node, with the harness's marks between). */
    public Path logFile() {
        return logFile;
    }

    /** The whole log. */
    public String logText() throws IOException {
        return Files.exists(logFile) ? new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8) : "";
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) throws IOException {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** An API answer: status and body (parsed JSON, or a missing node when there is none). */
    public record Response(int status, JsonNode body, String text) {
    }

    /**
     * An authenticated call of a path on the node ({@code /api/v1/jobs}). {@code body}: null for
     * none, a String sent as JSON text, anything else written as JSON.
     */
    public Response call(String method, String path, Object body) throws IOException, InterruptedException {
        return call(method, path, body, CALL_TIMEOUT);
    }

    /** {@link #call(String, String, Object)} with its own timeout (a paused node never answers). */
    public Response call(String method, String path, Object body, Duration timeout) throws IOException, InterruptedException {
        HttpClient client;
        synchronized (this) {
            requireStarted();
            client = http;
        }
        String json = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(timeout)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode parsed = MissingNode.getInstance();
        if (!response.body().isBlank()) {
            try {
                parsed = JSON.readTree(response.body());
            } catch (IOException notJson) {
                // kept as text only
            }
        }
        return new Response(response.statusCode(), parsed, response.body());
    }

    /** Creates a job ({@code POST /api/v1/jobs}); fails unless the node answers 201. */
    public void createJob(String jobJson) throws IOException, InterruptedException {
        Response r = call("POST", "/api/v1/jobs", jobJson);
        if (r.status() != 201) {
            throw new AssertionError(nodeId + ": creating the job answered " + r.status() + ": " + r.text());
        }
    }

    /** Starts a run ({@code POST /api/v1/jobs/{id}/executions} with these params, or none) and returns the execution id. */
    public String run(String jobId, Map<String, ?> params) throws IOException, InterruptedException {
        Response r = call("POST", "/api/v1/jobs/" + jobId + "/executions", Map.of("params", params == null ? Map.of() : params));
        if (r.status() != 202) {
            throw new AssertionError(nodeId + ": run of " + jobId + " answered " + r.status() + ": " + r.text());
        }
        return r.body().get("id").asText();
    }

    /** An execution as the API shows it ({@code GET /api/v1/executions/{id}}). */
    public JsonNode execution(String executionId) throws IOException, InterruptedException {
        Response r = call("GET", "/api/v1/executions/" + executionId, null);
        if (r.status() != 200) {
            throw new AssertionError(nodeId + ": execution " + executionId + " answered " + r.status() + ": " + r.text());
        }
        return r.body();
    }

    /**
     * Polls an execution until it is neither QUEUED nor RUNNING and returns it. Errors and 503s
     * on the way are polled through: the test may be in the middle of an outage it caused.
     */
    public JsonNode awaitEnd(String executionId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                Response r = call("GET", "/api/v1/executions/" + executionId, null, Duration.ofSeconds(5));
                last = r.status() + " " + r.text();
                String status = r.body().path("status").asText();
                if (r.status() == 200 && !status.equals("QUEUED") && !status.equals("RUNNING")) {
                    return r.body();
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(nodeId + ": execution " + executionId + " did not end within " + timeout.toSeconds()
                + " s; last answer: " + last);
    }

    /** Kills the JVM if it still runs (forcibly: a test's end is no time for a graceful stop). */
    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                mark("killed on close");
            } catch (IOException e) {
                // only a note in the log: the kill matters more
            }
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return nodeId + (process == null ? "" : " (pid " + process.pid() + ")") + " on port " + port;
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError(nodeId + " exited with " + process.exitValue() + " before it was healthy; log "
                        + logFile.toAbsolutePath() + ", its end:\n" + logTail(40));
            }
            if (healthy(Duration.ofSeconds(2))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError(nodeId + " was not healthy within " + START_TIMEOUT.toSeconds()
                        + " s and was killed; log " + logFile.toAbsolutePath() + ", its end:\n" + logTail(40));
            }
            Thread.sleep(100);
        }
    }

    /** A line in the log between the JVM's own, so that a reader sees where the harness acted. */
    private void mark(String what) throws IOException {
        Files.writeString(logFile, "===== [cluster harness] " + Instant.now() + " " + nodeId + ": " + what + " =====\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException(nodeId + " was never started");
        }
    }

    private void requireAlive() {
        if (!alive()) {
            throw new IllegalStateException(nodeId + " is not running");
        }
    }

    /** target/caravan.jar of the runtime module, the working directory of its tests. */
    private static Path caravanJar() {
        Path jar = Path.of("target", "caravan.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
            throw new IllegalStateException(jar + " (with its libraries in target/lib) is missing: the cluster tests run "
                    + "the packaged node; run them with `mvn verify` (Failsafe runs after package) from the runtime "
                    + "module, or run `mvn package -pl runtime -DskipTests` first");
        }
        return jar;
    }
}
