package io.caravan.runtime.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.api.Replies;
import io.caravan.runtime.jobs.JobService;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/jobs/{id}/stats?window=P7D}: a job's runs over a window (default 7 days, at
 * most 90) — by status, success rate, p50/p95 duration, last success and failure — and each
 * step's attempts with their p50/p95 duration. Unlike the node's meters, which count what each
 * node did since it started, these are the cluster's, read from the database.
 */
public final class StatsApi {

    static final String DEFAULT_WINDOW = "P7D";
    static final Duration MAX_WINDOW = Duration.ofDays(90);

    private final JobService jobs;
    private final JobStats stats;
    private final ObjectMapper json;

    public StatsApi(JobService jobs, JobStats stats, ObjectMapper json) {
        this.jobs = jobs;
        this.stats = stats;
        this.json = json;
    }

    /** Answers with the job's statistics; 404 for an unknown job, 400 for a window that is not one. */
    public void stats(Exchange e) throws Exception {
        String id = e.getMessage().getHeader("id", String.class);
        if (!io.caravan.runtime.jobs.JobService.validKey(id)) {
            throw ApiException.notFound("no job '" + (id == null ? "" : id.replace("\u0000", "")) + "'");
        }
        jobs.get(id); // 404 unless the job exists
        String window = e.getMessage().getHeader("window", DEFAULT_WINDOW, String.class);
        Instant since = Instant.now().minus(window(window));
        JobStats.Runs runs = stats.runs(id, since);
        ObjectNode out = json.createObjectNode().put("job_id", id).put("window", window).put("since", since.toString());
        out.put("runs", runs.total());
        out.set("by_status", json.readTree(runs.byStatus()));
        if (runs.outcomes() > 0) {
            out.put("success_rate", (double) runs.successes() / runs.outcomes());
        } else {
            out.putNull("success_rate");
        }
        durations(out, runs.p50(), runs.p95());
        out.put("last_success_at", runs.lastSuccess() == null ? null : runs.lastSuccess().toString());
        out.put("last_failure_at", runs.lastFailure() == null ? null : runs.lastFailure().toString());
        var steps = out.putArray("steps");
        for (JobStats.Step step : stats.steps(id, since)) {
            ObjectNode s = steps.addObject().put("id", step.stepId()).put("attempts", step.attempts())
                    .put("succeeded", step.succeeded()).put("failed", step.failed()).put("skipped", step.skipped());
            durations(s, step.p50(), step.p95());
        }
        Replies.json(e, 200, out, json);
    }

    /** The window, an ISO-8601 duration from a minute up to {@link #MAX_WINDOW}. */
    static Duration window(String text) {
        Duration window;
        try {
            window = Duration.parse(text);
        } catch (DateTimeParseException bad) {
            window = null;
        }
        if (window == null || window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw ApiException.badRequest("window must be an ISO-8601 duration from PT1M to P90D",
                    List.of(new Problem("window", "must be a duration such as P7D, PT12H or PT30M, from PT1M to P90D")));
        }
        return window;
    }

    private static void durations(ObjectNode node, Double p50, Double p95) {
        node.putObject("duration_seconds").put("p50", p50).put("p95", p95);
    }
}
