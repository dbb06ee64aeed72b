package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** An execution printed for a terminal: its status, each step with attempts and time, errors and outputs. */
final class Timeline {

    private Timeline() {
    }

    /** Prints the execution (as the API shows it) and, when given, each step's output from its context. */
    static void print(JsonNode execution, JsonNode context, PrintStream out) {
        out.printf("execution %s of %s (version %s): %s%n", execution.path("id").asText(), execution.path("job_id").asText(),
                execution.path("job_version").asText(), execution.path("status").asText());
        Instant started = time(execution.path("started_at"));
        for (JsonNode step : execution.path("steps")) {
            Instant from = time(step.path("started_at"));
            Instant to = time(step.path("completed_at"));
            out.printf("  %-24s %-16s %8s  at +%s%s%n", step.path("id").asText(), step.path("status").asText(),
                    from == null || to == null ? "" : millis(Duration.between(from, to)),
                    started == null || from == null ? "?" : millis(Duration.between(started, from)),
                    step.path("attempts").asInt(1) > 1 ? "  (" + step.path("attempts").asInt() + " attempts)" : "");
            if (context != null && context.path("steps").path(step.path("id").asText()).has("output")) {
                out.println("      output: " + context.path("steps").path(step.path("id").asText()).path("output"));
            }
        }
        for (JsonNode error : execution.path("errors")) {
            out.printf("  error%s [%s]: %s%n", error.path("step").isTextual() ? " in " + error.get("step").asText() : "",
                    error.path("type").asText(), error.path("message").asText());
        }
        Instant ended = time(execution.path("completed_at"));
        if (started != null && ended != null) {
            out.println("  took " + millis(Duration.between(started, ended)));
        }
    }

    /** Whether an execution (as the API shows it) has ended. */
    static boolean ended(JsonNode execution) {
        String status = execution.path("status").asText();
        return !status.equals("QUEUED") && !status.equals("RUNNING");
    }

    private static Instant time(JsonNode node) {
        return node.isTextual() ? Instant.parse(node.asText()) : null;
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }
}
