package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code caravan pull [ID…]}: writes each job's current document to {@code DIR/<id>.json} (all jobs when none is named). */
@Command(name = "pull", description = "Write jobs' current documents to files, one per job.")
final class PullCommand implements Callable<Integer> {

    @Mixin
    ApiClient api;

    @Option(names = {"-o", "--output"}, defaultValue = ".", description = "Directory to write to (default: here).")
    Path directory;

    @Parameters(arity = "0..*", paramLabel = "ID", description = "Job ids (default: every job).")
    List<String> ids = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> wanted = ids.isEmpty() ? all() : ids;
        Files.createDirectories(directory);
        for (String id : wanted) {
            JsonNode job = api.get("/jobs/" + ApiClient.encode(id));
            Path file = directory.resolve(id + ".json");
            Files.write(file, ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(job.get("definition")));
            System.out.println(id + ": version " + job.path("version").asInt() + " written to " + file);
        }
        return 0;
    }

    private List<String> all() throws ApiClient.Refused {
        List<String> all = new ArrayList<>();
        for (int page = 1;; page++) {
            JsonNode answer = api.get("/jobs?page=" + page);
            answer.path("items").forEach(j -> all.add(j.path("key").asText()));
            if (answer.path("items").size() < answer.path("size").asInt()) {
                return all;
            }
        }
    }
}
