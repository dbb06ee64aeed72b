package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code caravan import FILE [--dry-run] [--secret NAME=VALUE…]}: prints what is (or would be) created and changed. */
@Command(name = "import", description = "Import a bundle; --dry-run shows what would change without writing.")
final class ImportCommand implements Callable<Integer> {

    @Mixin
    ApiClient api;

    @Option(names = "--dry-run", description = "Show the plan only.")
    boolean dryRun;

    @Option(names = "--secret", paramLabel = "NAME=VALUE", description = "The value of a placeholder or stored secret the bundle needs.")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Parameters(index = "0", paramLabel = "FILE", description = "The bundle an export wrote.")
    Path file;

    @Override
    public Integer call() throws Exception {
        ObjectNode request = ApiClient.JSON.createObjectNode().put("dryRun", dryRun);
        try {
            request.set("bundle", ApiClient.JSON.readTree(Files.readAllBytes(file)));
        } catch (java.io.IOException e) {
            System.out.println(file + ": cannot be read: " + Texts.firstLine(e.getMessage()));
            return 1;
        }
        ObjectNode values = request.putObject("secrets");
        secrets.forEach(values::put);
        JsonNode plan = api.post("/jobs/import", request);
        for (String kind : new String[] {"connections", "secrets", "jobs"}) {
            for (JsonNode item : plan.path(kind)) {
                System.out.printf("%-12s %-32s %s%n", kind.substring(0, kind.length() - 1),
                        item.has("id") ? item.get("id").asText() : item.path("name").asText(), item.path("action").asText());
                item.path("changes").forEach(c -> System.out.println("    " + c.path("op").asText() + " "
                        + c.path("path").asText() + (c.has("value") ? " = " + c.get("value") : "")));
            }
        }
        if (plan.path("missing_secrets").size() > 0) {
            System.out.println("missing secrets (give them with --secret NAME=VALUE): " + plan.get("missing_secrets"));
        }
        System.out.println(dryRun ? "dry run: nothing written" : "imported");
        return plan.path("ready").asBoolean(true) ? 0 : 1;
    }
}
