package io.caravan.runtime.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.JobCompiler;
import io.caravan.runtime.access.Scopes;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.execution.ExecutionService;
import io.caravan.runtime.jobs.JobService;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.ExecutionStore;
import io.caravan.runtime.store.JobRow;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;

/** What each API endpoint does; {@link ApiRoutes} maps the paths to these. */
public final class Handlers {

    private static final int PAGE_SIZE = 50;
    private static final int MAX_PAGE = 1_000_000;
    private static final int MAX_PRIORITY = 1000;
    private static final Set<String> STATUSES = Set.of("QUEUED", "RUNNING", "SUCCESS", "FAILED", "PARTIAL_SUCCESS",
            "CANCELLED", "TIMED_OUT");

    private final JobService jobs;
    private final ExecutionService runs;
    private final ExecutionStore executions;
    private final ObjectStore objects;
    private final CamelContext camel;
    private final ObjectNode schema;
    private final ObjectMapper json;
    private final Views views;
    private final java.util.function.Supplier<List<Map<String, Object>>> nodes;

    public Handlers(JobService jobs, ExecutionService runs, ExecutionStore executions, ObjectStore objects,
            CamelContext camel, ObjectNode schema, ObjectMapper json,
            java.util.function.Supplier<List<Map<String, Object>>> nodes) {
        this.nodes = nodes;
        this.jobs = jobs;
        this.runs = runs;
        this.executions = executions;
        this.objects = objects;
        this.camel = camel;
        this.schema = schema;
        this.json = json;
        this.views = new Views(json);
    }

    void validate(Exchange e) throws Exception {
        JsonNode document = body(e);
        Scopes.check(e, JobService.namespaceOf(document));
        List<Problem> problems = jobs.validate(document);
        ObjectNode out = json.createObjectNode().put("valid", problems.isEmpty());
        out.set("errors", json.valueToTree(problems));
        reply(e, 200, out);
    }

    void createJob(Exchange e) throws Exception {
        JsonNode document = body(e);
        Scopes.check(e, JobService.namespaceOf(document));
        JobRow row = jobs.create(document, change(e));
        e.getMessage().setHeader("Location", "/api/v1/jobs/" + row.id());
        reply(e, 201, views.job(row, null));
    }

    /** The author (the token's name) and the {@code ?message=} of a change. */
    private static io.caravan.runtime.store.JobStore.Change change(Exchange e) {
        return new io.caravan.runtime.store.JobStore.Change(io.caravan.runtime.access.Tokens.holderOf(e),
                e.getMessage().getHeader("message", String.class));
    }

    /**
     * {@code GET /jobs?q=&tag=&category=&status=enabled|disabled|template&last_status=&page=}: the
     * catalogue, each job with its last execution and next scheduled fire.
     */
    void listJobs(Exchange e) throws Exception {
        int page = page(e);
        String status = query(e, "status");
        if (status != null && !java.util.Set.of("enabled", "disabled", "template").contains(status)) {
            throw ApiException.badRequest("unknown status", List.of(new Problem("$.status", "must be enabled, disabled or template")));
        }
        String last = query(e, "last_status");
        if (last != null && !STATUSES.contains(last)) {
            throw ApiException.badRequest("unknown execution status", List.of(new Problem("$.last_status",
                    "must be one of " + new java.util.TreeSet<>(STATUSES))));
        }
        var found = jobs.search(new io.caravan.runtime.store.JobStore.JobQuery(query(e, "q"), query(e, "tag"),
                query(e, "category"), status, last, Scopes.visible(e)), PAGE_SIZE, (page - 1) * PAGE_SIZE);
        ObjectNode out = json.createObjectNode().put("page", page).put("size", PAGE_SIZE);
        var items = out.putArray("items");
        found.forEach(summary -> items.add(views.summary(summary)));
        reply(e, 200, out);
    }

    void getJob(Exchange e) throws Exception {
        JobRow row = jobs.get(jobId(e));
        reply(e, 200, views.job(row, jobs.definition(row)));
    }

    void updateJob(Exchange e) throws Exception {
        reply(e, 200, views.job(jobs.update(jobId(e), body(e), change(e)), null));
    }

    /**
     * {@code PATCH /jobs/{id}} with {@code {"enabled": true|false}}: a new version of the document
     * with that one field changed. A disabled job's schedules are unscheduled and its webhook
     * answers 404; a manual run of it is refused with 409.
     */
    void patchJob(Exchange e) throws Exception {
        JsonNode patch = body(e);
        if (!patch.isObject() || patch.size() != 1 || !patch.path("enabled").isBoolean()) {
            throw ApiException.badRequest("a patch sets enabled only", List.of(new Problem("$",
                    "send {\"enabled\": true} or {\"enabled\": false}; other fields change with PUT")));
        }
        String id = jobId(e);
        com.fasterxml.jackson.databind.node.ObjectNode document =
                (com.fasterxml.jackson.databind.node.ObjectNode) jobs.definition(jobs.get(id)).deepCopy();
        document.put("enabled", patch.get("enabled").booleanValue());
        reply(e, 200, views.job(jobs.update(id, document, change(e)), null));
    }

    void deleteJob(Exchange e) {
        jobs.delete(jobId(e));
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        e.getMessage().setBody(null);
    }

    void route(Exchange e) throws Exception {
        String id = jobId(e);
        jobs.get(id);
        RouteDefinition def = ((ModelCamelContext) camel).getRouteDefinition(JobCompiler.routeId(id));
        if (def == null) {
            throw ApiException.notFound("job '" + id + "' has no route loaded on this node");
        }
        String yaml = PluginHelper.getModelToYAMLDumper(camel).dumpModelAsYaml(camel, def, true, false, false, false);
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/yaml");
        e.getMessage().setBody(yaml);
    }

    void run(Exchange e) throws Exception {
        String id = jobId(e);
        String raw = e.getMessage().getBody(String.class);
        JsonNode body = raw == null || raw.isBlank() ? json.createObjectNode() : body(e);
        JsonNode params = body.path("params");
        if (!params.isMissingNode() && !params.isObject()) {
            throw ApiException.badRequest("params must be an object", List.of(new Problem("$.params", "must be an object")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> given = params.isObject() ? json.convertValue(params, Map.class) : Map.of();
        JsonNode priority = body.path("priority");
        if (!priority.isMissingNode() && !(priority.canConvertToInt() && priority.isIntegralNumber()
                && Math.abs(priority.intValue()) <= MAX_PRIORITY)) {
            throw ApiException.badRequest("priority must be a whole number from -" + MAX_PRIORITY + " to " + MAX_PRIORITY,
                    List.of(new Problem("$.priority", "must be a whole number from -" + MAX_PRIORITY + " to " + MAX_PRIORITY)));
        }
        UUID execution = runs.enqueue(id, given, Map.of("type", "manual"), priority.asInt(0));
        e.getMessage().setHeader("Location", "/api/v1/executions/" + execution);
        reply(e, 202, json.createObjectNode().put("id", execution.toString()).put("status", "QUEUED"));
    }

    void listExecutions(Exchange e) throws Exception {
        String status = query(e, "status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("unknown status", List.of(new Problem("status", "must be one of " + STATUSES)));
        }
        int page = page(e);
        ObjectNode out = json.createObjectNode().put("page", page).put("size", PAGE_SIZE);
        var items = out.putArray("items");
        String job = query(e, "job");
        String asked = Scopes.namespaceAsked(e);
        if (job != null && asked != null && job.indexOf('.') < 0) {
            job = io.caravan.job.model.Namespaces.key(asked, job);
        }
        executions.list(job, status, Scopes.visible(e), PAGE_SIZE, (page - 1) * PAGE_SIZE)
                .forEach(r -> items.add(views.execution(r, false)));
        reply(e, 200, out);
    }

    void getExecution(Exchange e) throws Exception {
        ExecutionRow row = execution(e);
        ObjectNode view = views.execution(row, true);
        if (!row.status().equals("QUEUED") && !row.status().equals("RUNNING")) { // its files are final
            view.set("result_urls", fileViews(row));
        }
        reply(e, 200, view);
    }

    /** {@code GET /executions/{id}/files}: the files of the execution, each with its download URL. */
    void files(Exchange e) throws Exception {
        ObjectNode out = json.createObjectNode();
        out.set("items", fileViews(execution(e)));
        reply(e, 200, out);
    }

    /** {@code GET /executions/{id}/files/{name}}: one file, streamed from the object store. */
    void file(Exchange e) throws Exception {
        ExecutionRow row = execution(e);
        String name = e.getMessage().getHeader("name", String.class);
        JsonNode file = null;
        for (JsonNode each : files(row)) {
            if (each.path("filename").asText().equals(name)) {
                file = each;
            }
        }
        java.io.InputStream in = file == null ? null : objects.open(file.path("path").asText());
        if (in == null) {
            throw ApiException.notFound("execution " + row.id() + " has no file '" + name + "'");
        }
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, file.path("mime_type").asText("application/octet-stream"));
        e.getMessage().setHeader("Content-Disposition", "attachment; filename*=UTF-8''" + encode(name));
        e.getMessage().setBody(in);
    }

    /** The files the checkpoint lists ({@code context.files}), none before the first checkpoint. */
    private JsonNode files(ExecutionRow row) throws java.io.IOException {
        byte[] context = objects.get(row.contextPath());
        return context == null ? json.createArrayNode() : json.readTree(context).path("files");
    }

    private com.fasterxml.jackson.databind.node.ArrayNode fileViews(ExecutionRow row) throws java.io.IOException {
        com.fasterxml.jackson.databind.node.ArrayNode out = json.createArrayNode();
        for (JsonNode file : files(row)) {
            ObjectNode view = out.addObject();
            view.put("filename", file.path("filename").asText());
            view.put("url", "/api/v1/executions/" + row.id() + "/files/" + encode(file.path("filename").asText()));
            view.set("size", file.path("size"));
            view.set("mime_type", file.path("mime_type"));
            if (file.has("row_count")) {
                view.set("row_count", file.path("row_count"));
            }
            view.set("created_at", file.path("created_at"));
        }
        return out;
    }

    private static String encode(String name) {
        return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    void cancel(Exchange e) throws Exception {
        ExecutionRow row = execution(e);
        String status = runs.cancel(row.id());
        ObjectNode out = json.createObjectNode().put("id", row.id().toString()).put("status", status);
        out.put("cancel_requested", true);
        reply(e, status.equals("CANCELLED") ? 200 : 202, out);
    }

    void retry(Exchange e) throws Exception {
        ExecutionRow row = execution(e);
        runs.retry(row.id());
        reply(e, 202, json.createObjectNode().put("id", row.id().toString()).put("status", "QUEUED"));
    }

    void context(Exchange e) {
        ExecutionRow row = execution(e);
        byte[] context = objects.get(row.contextPath());
        if (context == null) {
            throw ApiException.notFound("execution " + row.id() + " has no checkpoint yet (status " + row.status() + ")");
        }
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(context);
    }

    void queue(Exchange e) throws Exception {
        reply(e, 200, json.valueToTree(executions.queue(Scopes.visible(e))));
    }

    void nodes(Exchange e) throws Exception {
        ObjectNode out = json.createObjectNode();
        out.set("items", json.valueToTree(nodes.get()));
        reply(e, 200, out);
    }

    void schema(Exchange e) throws Exception {
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/schema+json");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setBody(json.writeValueAsString(schema));
    }

    /** The namespace of the job of the execution the path names; 404 when there is none. */
    String namespaceOfExecution(Exchange e) {
        return io.caravan.job.model.Namespaces.of(execution(e).jobId());
    }

    private ExecutionRow execution(Exchange e) {
        String raw = id(e);
        UUID id;
        try {
            id = UUID.fromString(raw);
        } catch (IllegalArgumentException notUuid) {
            throw ApiException.notFound("no execution '" + raw + "'");
        }
        return executions.find(id).orElseThrow(() -> ApiException.notFound("no execution '" + raw + "'"));
    }

    /** The request's JSON object; anything else is a 400 (415 for a form). */
    private JsonNode body(Exchange e) {
        return Requests.body(e, json, false);
    }

    private void reply(Exchange e, int status, JsonNode body) throws JsonProcessingException {
        Replies.json(e, status, body, json);
    }

    private static String id(Exchange e) {
        return e.getMessage().getHeader("id", String.class);
    }

    /** The path's job key; one that no job could have is simply not found. */
    private static String jobId(Exchange e) {
        String id = id(e);
        if (!JobService.validKey(id)) {
            throw ApiException.notFound("no job '" + (id == null ? "" : id.replace("\u0000", "")) + "'");
        }
        return id;
    }

    /** A query parameter; text PostgreSQL cannot hold (NUL) is refused. */
    private static String query(Exchange e, String name) {
        String v = e.getMessage().getHeader(name, String.class);
        if (v != null && v.indexOf('\u0000') >= 0) {
            throw ApiException.badRequest("query parameter " + name + " holds a NUL character",
                    List.of(new Problem(name, "must not contain NUL characters")));
        }
        return v == null || v.isBlank() ? null : v;
    }

    private static int page(Exchange e) {
        String raw = query(e, "page");
        try {
            int page = raw == null ? 1 : Integer.parseInt(raw);
            if (page < 1 || page > MAX_PAGE) {
                throw new NumberFormatException();
            }
            return page;
        } catch (NumberFormatException bad) {
            throw ApiException.badRequest("page must be a positive whole number",
                    List.of(new Problem("page", "must be a whole number from 1 to " + MAX_PAGE + ", got '" + raw + "'")));
        }
    }
}
