package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code caravan logs EXECUTION [--follow]}: the execution's own log, then its steps with their
 * attempts, times, outputs and errors; with {@code --follow}, the log's lines as they come until
 * the execution ends.
 */
@Command(name = "logs", description = "Show an execution's log and its steps; --follow prints the lines as they come until it ends.")
final class LogsCommand implements Callable<Integer> {

    @Mixin
    ApiClient api;

    @Option(names = {"-f", "--follow"}, description = "Follow the execution until it ends.")
    boolean follow;

    @Parameters(index = "0", paramLabel = "EXECUTION", description = "An execution id.")
    String id;

    @Override
    public Integer call() throws Exception {
        String path = "/executions/" + ApiClient.encode(id);
        long after = 0;
        for (JsonNode page = api.get(path + "/logs?after=0"); ; page = api.get(path + "/logs?after=" + after)) {
            for (JsonNode line : page.path("items")) {
                System.out.println(line.path("at").asText() + " " + line.path("level").asText() + " "
                        + (line.path("step").isTextual() ? "[" + line.path("step").asText() + "] " : "")
                        + line.path("message").asText());
            }
            after = page.path("next_after").asLong(after);
            boolean more = page.path("items").size() > 0;
            if (!more && (!follow || page.path("ended").asBoolean())) {
                break;
            }
            if (!more) {
                Thread.sleep(500);
            }
        }
        JsonNode execution = api.get(path);
        Timeline.print(execution, api.find(path + "/context"), System.out);
        String status = execution.path("status").asText();
        return status.equals("SUCCESS") || status.equals("PARTIAL_SUCCESS") || !Timeline.ended(execution) ? 0 : 1;
    }
}
