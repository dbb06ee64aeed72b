package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code caravan export [ID…] -o FILE}: a bundle of jobs and their connections, secrets as placeholders. */
@Command(name = "export", description = "Write a bundle of jobs (all when none is named) with their connections; no secret values.")
final class ExportCommand implements Callable<Integer> {

    @Mixin
    ApiClient api;

    @Option(names = {"-o", "--output"}, description = "The bundle file (default: standard output).")
    Path output;

    @Parameters(arity = "0..*", paramLabel = "ID", description = "Job ids (default: every job).")
    List<String> ids = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ObjectNode request = ApiClient.JSON.createObjectNode();
        ids.forEach(request.putArray("jobs")::add);
        JsonNode bundle = api.post("/jobs/export", request);
        byte[] bytes = ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(bundle);
        if (output == null) {
            System.out.write(bytes);
            System.out.println();
        } else {
            Files.write(output, bytes);
            System.out.println(bundle.path("jobs").size() + " job(s), " + bundle.path("connections").size()
                    + " connection(s) written to " + output + "; secrets to give on import: "
                    + placeholders(bundle));
        }
        return 0;
    }

    private static String placeholders(JsonNode bundle) {
        List<String> names = new ArrayList<>();
        bundle.findValues("$secret").forEach(n -> names.add(n.asText()));
        bundle.path("secrets").forEach(n -> names.add(n.asText()));
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
