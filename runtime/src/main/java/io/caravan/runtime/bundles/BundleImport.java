package io.caravan.runtime.bundles;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.connections.ConnectionRegistry;
import io.caravan.runtime.connections.ConnectionStore;
import io.caravan.runtime.connections.ConnectionsApi;
import io.caravan.runtime.jobs.JobService;
import io.caravan.runtime.secrets.SecretStore;
import io.caravan.runtime.store.JobRow;
import io.caravan.runtime.store.JobStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.caravan.job.model.Namespaces;
import java.util.Set;
import java.util.TreeSet;

/**
 * Imports a bundle: works out what would be created, changed or left as it is (a JSON Patch per
 * changed job), gives each secret placeholder its value — from the request, else the value this
 * instance holds already — and refuses, listing them, when some have none. A dry run stops there;
 * otherwise secrets, then connections, then jobs are written. Nothing is written when anything in
 * the bundle is invalid.
 */
public final class BundleImport {


    private static final String UNKNOWN_SECRET = "a-secret-the-import-was-not-given";

    private final Bundles bundles;
    private final JobService jobs;
    private final ConnectionStore connections;
    private final ConnectionRegistry registry;
    private final SecretStore secrets;
    private final ObjectMapper json;

    public BundleImport(Bundles bundles, JobService jobs, ConnectionStore connections, ConnectionRegistry registry,
            SecretStore secrets, ObjectMapper json) {
        this.bundles = bundles;
        this.jobs = jobs;
        this.connections = connections;
        this.registry = registry;
        this.secrets = secrets;
        this.json = json;
    }

    /** What an import does with one connection, one stored secret or one job. */
    private record Step(String kind, String name, String action, JsonNode changes, Runnable write) {
    }

    /** Plans, and unless {@code dryRun} applies, the import of a bundle; the answer is the plan. */
    public ObjectNode run(JsonNode bundle, boolean dryRun, Map<String, String> values, String author, String namespace)
            throws Exception {
        List<Problem> problems = new ArrayList<>();
        Set<String> missing = new TreeSet<>();
        if (!bundle.isObject() || bundle.path("caravan_bundle").asInt() != Bundles.FORMAT || !bundle.path("jobs").isArray()) {
            throw ApiException.badRequest("not a bundle", List.of(new Problem("$.bundle",
                    "must be an object with caravan_bundle: " + Bundles.FORMAT + " and a jobs array, as export writes it")));
        }
        shape(bundle, problems);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("the bundle cannot be imported: " + problems.size() + " problem(s)", problems);
        }
        List<Step> steps = new ArrayList<>();
        Set<String> bundled = new TreeSet<>();
        JsonNode connectionList = bundle.path("connections");
        for (int i = 0; i < connectionList.size(); i++) {
            connection(connectionList.get(i), "$.bundle.connections[" + i + "]", values, problems, missing, steps, bundled,
                    namespace);
        }
        bundle.path("secrets").forEach(name -> stored(name.asText(), values, missing, steps, namespace));
        JsonNode jobList = bundle.path("jobs");
        for (int i = 0; i < jobList.size(); i++) {
            job(jobList.get(i).path("definition"), namespace, "$.bundle.jobs[" + i + "].definition", values, bundled, author,
                    problems, missing, steps);
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("the bundle cannot be imported: " + problems.size() + " problem(s)", problems);
        }
        ObjectNode plan = plan(steps, dryRun, missing);
        if (!missing.isEmpty() && !dryRun) {
            throw new ApiException(422, "Unprocessable Content", "the bundle needs secrets this instance does not have: "
                    + String.join(", ", missing) + "; give their values under secrets",
                    missing.stream().map(n -> new Problem("$.secrets." + n, "has no value here; give it")).toList());
        }
        if (!dryRun) {
            apply(steps);
            plan.put("applied", true);
        }
        return plan;
    }

    /** What must hold before anything is planned: arrays where arrays go, no name twice, secret names that can be stored. */
    private static void shape(JsonNode bundle, List<Problem> problems) {
        for (String list : List.of("connections", "secrets")) {
            if (!bundle.path(list).isMissingNode() && !bundle.path(list).isArray()) {
                problems.add(new Problem("$.bundle." + list, "must be an array"));
            }
        }
        Set<String> seen = new java.util.HashSet<>();
        JsonNode jobs = bundle.path("jobs");
        for (int i = 0; i < jobs.size(); i++) {
            JsonNode definition = jobs.get(i).path("definition");
            String at = "$.bundle.jobs[" + i + "].definition";
            if (!definition.isObject()) {
                problems.add(new Problem(at, "must be a job document"));
            } else if (!seen.add("job " + definition.path("id").asText())) {
                problems.add(new Problem(at + ".id", "job '" + definition.path("id").asText() + "' is in the bundle twice"));
            } else if (!definition.path("triggers").isMissingNode() && !definition.path("triggers").isArray()) {
                problems.add(new Problem(at + ".triggers", "must be an array"));
            }
        }
        JsonNode connections = bundle.path("connections");
        for (int i = 0; connections.isArray() && i < connections.size(); i++) {
            JsonNode c = connections.get(i);
            if (!c.isObject() || !c.path("name").isTextual()) {
                problems.add(new Problem("$.bundle.connections[" + i + "]", "must be a connection with a name"));
            } else if (!seen.add("connection " + c.get("name").asText())) {
                problems.add(new Problem("$.bundle.connections[" + i + "].name", "connection '" + c.get("name").asText()
                        + "' is in the bundle twice"));
            }
        }
        JsonNode secrets = bundle.path("secrets");
        for (int i = 0; secrets.isArray() && i < secrets.size(); i++) {
            if (!secrets.get(i).isTextual() || !SecretStore.NAME.matcher(secrets.get(i).asText()).matches()) {
                problems.add(new Problem("$.bundle.secrets[" + i + "]", "must be a secret's name"));
            }
        }
    }

    private void connection(JsonNode c, String at, Map<String, String> values, List<Problem> problems, Set<String> missing,
            List<Step> steps, Set<String> bundled, String namespace) {
        String name = c.path("name").asText("");
        String key = Namespaces.key(namespace, name);
        String type = c.path("type").asText("");
        Optional<ConnectionStore.Connection> existing = connections.open(key);
        ObjectNode configNode = c.path("config").isObject() ? c.get("config").deepCopy() : json.createObjectNode();
        boolean headersGiven = resolveHeaders(name, configNode, existing, values, missing);
        Map<String, Object> config = json.convertValue(configNode, new TypeReference<LinkedHashMap<String, Object>>() { });
        Map<String, String> resolved = new LinkedHashMap<>();
        boolean given = false;
        for (var field : iterable(c.path("secrets"))) {
            Optional<String> placeholder = Bundles.placeholderName(field.getValue());
            String value = placeholder.map(values::get).orElse(field.getValue().isTextual() ? field.getValue().asText() : null);
            given |= value != null;
            if (value == null) {
                value = existing.map(e -> e.secrets().get(field.getKey())).orElse(null);
            }
            if (value == null) {
                missing.add(placeholder.orElse(name + "." + field.getKey()));
            } else {
                resolved.put(field.getKey(), value);
            }
        }
        ConnectionsApi.problems(name, type, config, resolved.keySet())
                .forEach(p -> problems.add(new Problem(at + p.path().substring(1), p.message())));
        bundled.add(name);
        boolean secretsGiven = given || headersGiven;
        String action = existing.isEmpty() ? "create"
                : !secretsGiven && existing.get().type().equals(type) && existing.get().config().equals(config)
                        && existing.get().secrets().keySet().equals(resolved.keySet()) ? "unchanged" : "update";
        // what changes, header values as placeholders; new secret values are said, never shown
        JsonNode changes = !action.equals("update") ? null : io.caravan.runtime.jobs.JsonPatches.diff(
                bundles.connectionView(name, existing.get().type(), existing.get().config()),
                bundles.connectionView(name, type, config));
        if (changes != null && secretsGiven) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) changes).addObject().put("op", "replace")
                    .put("path", "/secrets").put("value", "(new values given)");
        }
        steps.add(new Step("connection", name, action, changes, () -> {
            try {
                connections.save(key, type, config, resolved);
            } catch (Exception e) {
                throw new IllegalStateException("connection '" + name + "' not saved: " + e.getMessage(), e);
            }
        }));
    }

    /**
     * Gives each header placeholder of a connection's config its value: the one given, else the
     * header this instance's connection has; true when any value was given.
     */
    private static boolean resolveHeaders(String connection, ObjectNode config, Optional<ConnectionStore.Connection> existing,
            Map<String, String> values, Set<String> missing) {
        boolean given = false;
        if (!(config.get("headers") instanceof ObjectNode headers)) {
            return false;
        }
        for (String header : iterable(headers).stream().map(Map.Entry::getKey).toList()) {
            Optional<String> placeholder = Bundles.placeholderName(headers.get(header));
            if (placeholder.isEmpty()) {
                continue;
            }
            String value = values.get(placeholder.get());
            given |= value != null;
            if (value == null && existing.isPresent() && existing.get().config().get("headers") instanceof Map<?, ?> old
                    && old.get(header) instanceof String kept) {
                value = kept;
            }
            if (value == null) {
                missing.add(placeholder.get());
                value = UNKNOWN_SECRET; // so that the rest is checked; nothing is written while one is missing
            }
            headers.put(header, value);
        }
        return given;
    }

    private void stored(String name, Map<String, String> values, Set<String> missing, List<Step> steps, String namespace) {
        String key = Namespaces.key(namespace, name);
        boolean exists = secrets.find(key).isPresent();
        String value = values.get(name);
        if (value == null && !exists) {
            missing.add(name);
        }
        steps.add(new Step("secret", name, value == null ? "unchanged" : exists ? "update" : "create", null,
                () -> secrets.put(key, value)));
    }

    private void job(JsonNode definition, String namespace, String at, Map<String, String> values, Set<String> bundledConnections,
            String author, List<Problem> problems, Set<String> missing, List<Step> steps) {
        String id = Namespaces.key(namespace, definition.path("id").asText(""));
        Optional<JsonNode> existing = jobs.find(id).map(jobs::definition);
        ObjectNode resolved = definition.deepCopy();
        // a bundle's jobs go where it is imported, whichever namespace they were exported from
        if (Namespaces.DEFAULT.equals(namespace)) {
            resolved.remove("namespace");
        } else {
            resolved.put("namespace", namespace);
        }
        JsonNode triggers = resolved.path("triggers").isArray() ? resolved.get("triggers") : json.createArrayNode();
        for (int t = 0; t < triggers.size(); t++) {
            Optional<String> placeholder = Bundles.placeholderName(triggers.get(t).get("secret"));
            if (placeholder.isPresent()) {
                int index = t;
                String value = Optional.ofNullable(values.get(placeholder.get())).orElseGet(() -> existing
                        .map(doc -> doc.path("triggers").path(index).path("secret"))
                        .filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null));
                if (value == null) {
                    missing.add(placeholder.get());
                    value = UNKNOWN_SECRET; // so that the rest is checked; nothing is written while one is missing
                }
                ((ObjectNode) triggers.get(t)).put("secret", value);
            }
        }
        jobs.validate(resolved, bundledConnections)
                .forEach(p -> problems.add(new Problem(at + p.path().substring(1), p.message())));
        if (existing.isEmpty()) {
            steps.add(new Step("job", id, "create", null, () -> jobs.create(resolved, new JobStore.Change(author, "import"))));
        } else if (existing.get().equals(resolved)) {
            steps.add(new Step("job", id, "unchanged", null, () -> { }));
        } else {
            // shown with placeholders: a changed signing secret is a change, never a value
            JsonNode changes = io.caravan.runtime.jobs.JsonPatches.diff(bundles.withPlaceholders(existing.get()),
                    bundles.withPlaceholders(resolved));
            steps.add(new Step("job", id, "update", changes,
                    () -> jobs.update(id, resolved, new JobStore.Change(author, "import"))));
        }
    }

    private ObjectNode plan(List<Step> steps, boolean dryRun, Set<String> missing) {
        ObjectNode plan = json.createObjectNode().put("dry_run", dryRun).put("ready", missing.isEmpty());
        ArrayNode missingList = plan.putArray("missing_secrets");
        missing.forEach(missingList::add);
        for (String kind : List.of("job", "connection", "secret")) {
            ArrayNode list = plan.putArray(kind + "s");
            steps.stream().filter(s -> s.kind().equals(kind)).forEach(s -> {
                ObjectNode item = list.addObject().put(kind.equals("job") ? "id" : "name", s.name()).put("action", s.action());
                if (s.changes() != null) {
                    item.set("changes", s.changes());
                }
            });
        }
        return plan;
    }

    /**
     * Writes the steps in order: secrets, connections, jobs. What the plan could not foresee (a job
     * changed meanwhile) stops the import; the answer then says what was written before.
     */
    private void apply(List<Step> steps) {
        List<String> done = new ArrayList<>();
        for (String kind : List.of("secret", "connection", "job")) {
            for (Step step : steps) {
                if (!step.kind().equals(kind) || step.action().equals("unchanged")) {
                    continue;
                }
                try {
                    step.write().run();
                } catch (RuntimeException e) {
                    throw new ApiException(409, "Conflict", "the import stopped at "
                            + kind + " '" + step.name() + "': " + e.getMessage() + "; written before it: "
                            + (done.isEmpty() ? "nothing" : String.join(", ", done)) + ". Import the bundle again to finish.",
                            null);
                }
                done.add(kind + " " + step.name() + " (" + step.action() + ")");
            }
            if (kind.equals("connection")) {
                registry.sync(); // the jobs that follow name them
            }
        }
    }

    private static List<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        node.fields().forEachRemaining(fields::add);
        return fields;
    }
}
