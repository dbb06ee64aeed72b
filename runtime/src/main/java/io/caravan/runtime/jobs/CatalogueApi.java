package io.caravan.runtime.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.params.ParamBinder;
import io.caravan.job.validation.Problem;
import io.caravan.job.validation.Problems;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.api.Replies;
import io.caravan.runtime.api.Requests;
import io.caravan.runtime.access.Tokens;
import io.caravan.runtime.store.JobRow;
import io.caravan.runtime.store.JobStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The catalogue's actions on several jobs or from a template: {@code POST /jobs/{id}/instantiate}
 * makes a job of a template, the given params becoming its defaults; {@code POST /jobs/bulk}
 * enables, disables or deletes a list of jobs, answering each one's outcome.
 */
public final class CatalogueApi {

    private static final Set<String> ACTIONS = Set.of("enable", "disable", "delete");

    private final JobService jobs;
    private final ParamBinder binder;
    private final ObjectMapper json;

    public CatalogueApi(JobService jobs, ObjectMapper json) {
        this.jobs = jobs;
        this.binder = new ParamBinder(json);
        this.json = json;
    }

    /**
     * {@code {"id": "new-job", "name": "…", "params": {…}, "webhookSecret": "…"}}: 201 with the new
     * job, made from the template's current version.
     */
    public void instantiate(Exchange e) throws Exception {
        String templateId = e.getMessage().getHeader("id", String.class);
        JobRow template = jobs.get(templateId);
        if (!template.template()) {
            throw ApiException.conflict("job '" + templateId + "' is not a template (\"template\": true)");
        }
        JsonNode body = Requests.body(e, json, false);
        JsonNode given = body.path("params");
        if (!body.path("id").isTextual() || !(given.isMissingNode() || given.isObject())) {
            throw ApiException.badRequest("send {\"id\": \"new-job\", \"params\": {…}}", List.of(
                    new Problem(body.path("id").isTextual() ? "$.params" : "$.id",
                            body.path("id").isTextual() ? "must be an object" : "must be the new job's id")));
        }
        ObjectNode document = (ObjectNode) jobs.definition(template).deepCopy();
        JobDefinition spec = json.treeToValue(document, JobDefinition.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> values = given.isObject() ? json.convertValue(given, Map.class) : Map.of();
        Problems problems = new Problems();
        values.keySet().stream().filter(name -> spec.params().containsKey(name)
                && Boolean.TRUE.equals(spec.params().get(name).secret())).sorted()
                .forEach(name -> problems.at(".params." + name).add("", "is secret: it is given when a run starts, never"
                        + " written into a job"));
        Map<String, Object> bound = binder.bind(spec, values, problems);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("the parameters do not fit template '" + templateId + "'", problems.list());
        }
        giveWebhooksTheirOwnSecret(document, body.path("webhookSecret"));
        document.remove("template");
        document.put("id", body.get("id").asText());
        if (body.path("name").isTextual()) {
            document.put("name", body.get("name").asText());
        }
        values.keySet().forEach(name -> ((ObjectNode) document.path("params").path(name)).set("default",
                json.valueToTree(bound.get(name))));
        JobRow created = jobs.create(document, new JobStore.Change(Tokens.holderOf(e),
                "from template " + templateId + " version " + template.currentVersion()));
        e.getMessage().setHeader("Location", "/api/v1/jobs/" + created.id());
        Replies.json(e, 201, json.createObjectNode().put("id", created.id()).put("version", created.currentVersion())
                .put("template", templateId).put("template_version", template.currentVersion()), json);
    }

    /**
     * A literal webhook secret of the template is not copied: jobs sharing one would accept each
     * other's deliveries. The request gives the new job's ({@code webhookSecret}); a stored
     * secret's reference ({@code {{ secrets.x }}}) is kept, as the template's author chose it.
     */
    private static void giveWebhooksTheirOwnSecret(ObjectNode document, JsonNode given) {
        JsonNode triggers = document.path("triggers");
        for (int i = 0; i < triggers.size(); i++) {
            JsonNode secret = triggers.get(i).path("secret");
            if ("webhook".equals(triggers.get(i).path("type").asText()) && secret.isTextual()
                    && !io.caravan.runtime.secrets.SecretRefs.isReference(secret.asText())) {
                if (!given.isTextual()) {
                    throw ApiException.badRequest("the template's webhook has its own signing secret; give the new job one",
                            List.of(new Problem("$.webhookSecret", "is required: the new job's webhook signing secret")));
                }
                ((ObjectNode) triggers.get(i)).put("secret", given.asText());
            }
        }
    }

    /** {@code {"action": "enable|disable|delete", "jobs": [ids]}}: 200 with each job's outcome (status and detail). */
    public void bulk(Exchange e) throws Exception {
        JsonNode body = Requests.body(e, json, false);
        String action = body.path("action").asText("");
        JsonNode ids = body.path("jobs");
        if (!ACTIONS.contains(action) || !ids.isArray() || ids.isEmpty()) {
            throw ApiException.badRequest("send {\"action\": \"enable|disable|delete\", \"jobs\": [ids]}", List.of(
                    new Problem(ACTIONS.contains(action) ? "$.jobs" : "$.action",
                            ACTIONS.contains(action) ? "must list at least one job id" : "must be enable, disable or delete")));
        }
        ObjectNode out = json.createObjectNode().put("action", action);
        var results = out.putArray("results");
        for (JsonNode id : ids) {
            ObjectNode result = results.addObject().put("id", id.asText());
            try {
                result.put("status", 200).put("outcome", apply(action, id.asText(), e));
            } catch (ApiException refused) {
                result.put("status", refused.status()).put("detail", refused.getMessage());
            }
        }
        Replies.json(e, 200, out, json);
    }

    private String apply(String action, String id, Exchange e) {
        if (!JobService.validKey(id)) {
            throw ApiException.notFound("no job '" + id.replace("\u0000", "") + "'");
        }
        io.caravan.runtime.access.Scopes.check(e, io.caravan.job.model.Namespaces.of(id));
        JobRow row = jobs.get(id);
        if (action.equals("delete")) {
            jobs.delete(id);
            return "deleted";
        }
        boolean enable = action.equals("enable");
        if (row.enabled() == enable) {
            return "unchanged";
        }
        ObjectNode document = (ObjectNode) jobs.definition(row).deepCopy();
        document.put("enabled", enable);
        jobs.update(id, document, new JobStore.Change(Tokens.holderOf(e), "bulk " + action));
        return enable ? "enabled" : "disabled";
    }
}
