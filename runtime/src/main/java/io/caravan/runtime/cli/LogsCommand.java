package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code caravan logs EXECUTION [--follow]}: the execution's steps with their attempts, times,
 * outputs and errors; with {@code --follow}, printed again as it moves until it ends.
 */
@Command(name = "logs", description = "Show an execution step by step; --follow waits for it to end.")
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
        JsonNode execution = api.get(path);
        String seen = null;
        while (follow && !Timeline.ended(execution)) {
            String now = execution.path("status").asText() + " " + execution.path("progress").asText();
            if (!now.equals(seen)) {
                System.out.println(execution.path("status").asText() + ", step " + execution.path("current_step").asText("-")
                        + " (" + execution.path("progress").asInt() + " done)");
                seen = now;
            }
            Thread.sleep(500);
            execution = api.get(path);
        }
        Timeline.print(execution, api.find(path + "/context"), System.out);
        String status = execution.path("status").asText();
        return status.equals("SUCCESS") || status.equals("PARTIAL_SUCCESS") || !Timeline.ended(execution) ? 0 : 1;
    }
}
