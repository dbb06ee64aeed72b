package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code caravan push FILE…}: creates each job, or stores a new version when it changed. */
@Command(name = "push", description = "Create or update jobs on a server from their files.")
final class PushCommand implements Callable<Integer> {

    @Mixin
    ApiClient api;

    @Option(names = {"-m", "--message"}, description = "Why: kept with each new version.")
    String message;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Job documents (JSON).")
    List<Path> files;

    @Override
    public Integer call() {
        int failed = 0;
        for (Path file : files) {
            try {
                JsonNode document = ApiClient.JSON.readTree(Files.readAllBytes(file));
                String id = document.path("id").asText().isEmpty() ? "" : io.caravan.runtime.jobs.JobService.keyOf(document);
                String query = message == null ? "" : "?message=" + ApiClient.encode(message);
                JsonNode current = id.isEmpty() ? null : api.find("/jobs/" + ApiClient.encode(id));
                if (current == null) {
                    JsonNode created = api.post("/jobs" + query, document);
                    System.out.println(file + ": " + created.path("key").asText() + " created, version "
                            + created.path("version").asInt());
                } else if (current.path("definition").equals(document)) {
                    System.out.println(file + ": " + id + " unchanged, version " + current.path("version").asInt());
                } else {
                    JsonNode updated = api.put("/jobs/" + ApiClient.encode(id) + query, document);
                    System.out.println(file + ": " + id + " updated to version " + updated.path("version").asInt());
                }
            } catch (ApiClient.Refused e) {
                failed++;
                System.out.println(file + ": refused: " + e.getMessage());
            } catch (java.io.IOException e) {
                failed++;
                System.out.println(file + ": cannot be read: " + Texts.firstLine(e.getMessage()));
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
