package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code caravan runs [JOB] [--status S]}: the latest executions, newest first. */
@Command(name = "runs", description = "List the latest executions, of one job or all.")
final class RunsCommand implements Callable<Integer> {

    @Mixin
    ApiClient api;

    @Option(names = "--status", description = "Only executions with this status (QUEUED, RUNNING, SUCCESS, FAILED, …).")
    String status;

    @Parameters(arity = "0..1", paramLabel = "JOB", description = "A job id (default: every job).")
    String job;

    @Override
    public Integer call() throws ApiClient.Refused {
        StringBuilder query = new StringBuilder("/executions?page=1");
        if (job != null) {
            query.append("&job=").append(ApiClient.encode(job));
        }
        if (status != null) {
            query.append("&status=").append(ApiClient.encode(status));
        }
        JsonNode items = api.get(query.toString()).path("items");
        System.out.printf("%-38s %-24s %-16s %-8s %s%n", "EXECUTION", "JOB", "STATUS", "VERSION", "CREATED");
        for (JsonNode e : items) {
            System.out.printf("%-38s %-24s %-16s %-8s %s%n", e.path("id").asText(), e.path("job_id").asText(),
                    e.path("status").asText(), e.path("job_version").asText(), e.path("created_at").asText());
        }
        return 0;
    }
}
