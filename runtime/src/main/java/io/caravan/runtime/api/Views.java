package io.caravan.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.JobRow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of the API (DESIGN §6). */
final class Views {

    private final ObjectMapper json;

    Views(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode job(JobRow row, JsonNode definition) {
        ObjectNode node = json.createObjectNode();
        // the id as the document writes it; the key (<namespace>.<id> outside the default
        // namespace) is what paths take
        node.put("id", io.caravan.job.model.Namespaces.local(row.id()));
        node.put("namespace", io.caravan.job.model.Namespaces.of(row.id()));
        node.put("key", row.id());
        node.put("name", row.name());
        node.put("enabled", row.enabled());
        node.set("tags", json.valueToTree(row.tags()));
        node.put("category", row.category());
        node.put("template", row.template());
        node.put("version", row.currentVersion());
        node.put("definition_path", row.definitionPath());
        time(node, "created_at", row.createdAt());
        time(node, "updated_at", row.updatedAt());
        if (definition != null) {
            node.set("definition", definition);
        }
        return node;
    }

    /** A job as the catalogue lists it: with its last execution and next scheduled fire. */
    ObjectNode summary(io.caravan.runtime.store.JobStore.Summary summary) {
        ObjectNode node = job(summary.row(), null);
        if (summary.lastExecutionId() == null) {
            node.putNull("last_execution");
        } else {
            ObjectNode last = node.putObject("last_execution").put("id", summary.lastExecutionId())
                    .put("status", summary.lastStatus());
            time(last, "created_at", summary.lastAt());
        }
        time(node, "next_fire_at", summary.nextFireAt());
        return node;
    }

    ObjectNode execution(ExecutionRow row, boolean detail) {
        ObjectNode node = json.createObjectNode();
        node.put("id", row.id().toString());
        node.put("job_id", row.jobId());
        node.put("namespace", io.caravan.job.model.Namespaces.of(row.jobId()));
        if (row.jobVersion() == null) {
            node.putNull("job_version");
        } else {
            node.put("job_version", row.jobVersion());
        }
        node.put("status", row.status());
        node.put("priority", row.priority());
        node.set("trigger", read(row.trigger()));
        node.set("params", params(row.params()));
        node.put("progress", row.progress());
        node.put("current_step", row.currentStep());
        node.put("context_path", row.contextPath());
        if (detail) {
            steps(node, row);
            node.putArray("result_urls");
        }
        time(node, "created_at", row.createdAt());
        time(node, "started_at", row.startedAt());
        time(node, "completed_at", row.completedAt());
        return node;
    }

    /** One entry per step (its latest attempt), and the errors of failed attempts. */
    private void steps(ObjectNode node, ExecutionRow row) {
        Map<String, ObjectNode> steps = new LinkedHashMap<>();
        ArrayNode errors = json.createArrayNode();
        Map<String, ExecutionRow.StepRunRow> latest = new LinkedHashMap<>();
        Map<String, String> firstStarted = new LinkedHashMap<>();
        for (ExecutionRow.StepRunRow run : row.steps()) {
            latest.put(run.stepId(), run); // rows come by start time: the last one is the latest attempt
            firstStarted.putIfAbsent(run.stepId(), run.startedAt() == null ? null : run.startedAt().toString());
        }
        for (ExecutionRow.StepRunRow run : latest.values()) {
            ObjectNode step = json.createObjectNode();
            step.put("id", run.stepId());
            step.put("status", run.status());
            step.put("attempts", run.attempt());
            step.put("started_at", firstStarted.get(run.stepId()));
            time(step, "completed_at", run.completedAt());
            if (run.errorMessage() != null) {
                step.put("error", run.errorMessage());
                step.put("error_type", run.errorType());
            }
            // a failed attempt that a later one replaced is not an error of the execution
            if (run.errorMessage() != null && !"RUNNING".equals(run.status())) {
                errors.addObject().put("step", run.stepId()).put("type", run.errorType()).put("message", run.errorMessage());
            }
            steps.put(run.stepId(), step);
        }
        node.putArray("steps").addAll(steps.values());
        if (row.errorMessage() != null) {
            errors.addObject().putNull("step").put("type", row.errorType()).put("message", row.errorMessage());
        }
        node.set("errors", errors);
    }

    /** A run's parameters; secret ones, sealed in the row, as {@code ***}. */
    @SuppressWarnings("unchecked")
    private JsonNode params(String text) {
        JsonNode stored = read(text);
        return stored.isObject() ? json.valueToTree(io.caravan.runtime.secrets.SecretParams.shown(
                json.convertValue(stored, Map.class))) : stored;
    }

    private JsonNode read(String text) {
        try {
            return text == null ? json.nullNode() : json.readTree(text);
        } catch (java.io.IOException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    private static void time(ObjectNode node, String field, Instant at) {
        if (at == null) {
            node.putNull(field);
        } else {
            node.put(field, at.toString());
        }
    }
}
