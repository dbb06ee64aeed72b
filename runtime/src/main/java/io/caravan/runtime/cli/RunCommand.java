package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.runtime.Caravan;
import io.caravan.runtime.config.CaravanConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code caravan run FILE --param k=v}: one execution of a job file on a throw-away node with the
 * embedded defaults (its own PostgreSQL and S3 in a temporary directory, removed after), the
 * job's {@code log} lines as they come, then its step timeline and outputs. Exit 0 when it succeeded.
 */
@Command(name = "run", description = "Run a job file once on a local, throw-away node and print its steps and outputs.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The job document (JSON).")
    Path file;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
            description = "A parameter; typed by the job's declaration (JSON for arrays and objects).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--secret", paramLabel = "NAME=VALUE", description = "A stored secret the job reads ({{ secrets.NAME }}).")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Option(names = "--timeout", defaultValue = "PT10M", description = "How long to wait for the run (ISO-8601, default PT10M).")
    java.time.Duration timeout;

    @Override
    public Integer call() throws Exception {
        JsonNode document;
        try {
            document = ApiClient.JSON.readTree(Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            System.out.println(file + ": cannot be read: " + Texts.firstLine(e.getMessage()));
            return 1;
        }
        Configurator.setAllLevels(org.apache.logging.log4j.LogManager.ROOT_LOGGER_NAME, Level.WARN);
        Configurator.setLevel("caravan.job", Level.INFO); // the job's own log lines
        Path data = Files.createTempDirectory("caravan-run");
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String token = HexFormat.of().formatHex(raw);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Caravan node = Caravan.start(CaravanConfig.from(Map.of("CARAVAN_DATA_DIR", data.toString(),
                "CARAVAN_HTTP_PORT", String.valueOf(port), "CARAVAN_ADMIN_TOKEN", token, "CARAVAN_NODE_ID", "cli-run",
                "CARAVAN_WORKERS", "2")));
        // Ctrl-C: the node and its temporary database go too
        Thread cleanUp = new Thread(() -> {
            node.close();
            delete(data);
        }, "caravan-run-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            ApiClient api = new ApiClient();
            api.server = "http://127.0.0.1:" + port;
            api.token = token;
            return run(api, document);
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
            cleanUp.run();
        }
    }

    private int run(ApiClient api, JsonNode document) throws Exception {
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            api.put("/secrets/" + ApiClient.encode(secret.getKey()),
                    ApiClient.JSON.createObjectNode().put("value", secret.getValue()));
        }
        String id = api.post("/jobs", document).path("key").asText();
        ObjectNode request = ApiClient.JSON.createObjectNode();
        ObjectNode given = request.putObject("params");
        params.forEach((name, value) -> given.set(name, typed(document.path("params").path(name).path("type").asText(), value)));
        String execution = api.post("/jobs/" + ApiClient.encode(id) + "/executions", request).path("id").asText();
        JsonNode ended = api.get("/executions/" + execution);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Timeline.ended(ended)) {
            if (System.nanoTime() > deadline) {
                Timeline.print(ended, api.find("/executions/" + execution + "/context"), System.out);
                System.out.println("still " + ended.path("status").asText() + " after " + timeout + "; given up");
                return 1;
            }
            Thread.sleep(50);
            ended = api.get("/executions/" + execution);
        }
        Timeline.print(ended, api.find("/executions/" + execution + "/context"), System.out);
        String status = ended.path("status").asText();
        return status.equals("SUCCESS") || status.equals("PARTIAL_SUCCESS") ? 0 : 1;
    }

    /** A value as its declared type takes it: text stays text; other types are read as JSON. */
    private static JsonNode typed(String type, String value) {
        if (type.equals("string") || type.isEmpty()) {
            return ApiClient.JSON.getNodeFactory().textNode(value);
        }
        try {
            return ApiClient.JSON.readTree(value);
        } catch (java.io.IOException e) {
            return ApiClient.JSON.getNodeFactory().textNode(value); // the server says what is wrong with it
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
