package io.caravan.runtime.bundles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.runtime.connections.ConnectionStore;
import io.caravan.runtime.jobs.JobReferences;
import io.caravan.runtime.jobs.JobService;
import io.caravan.runtime.secrets.SecretRefs;
import io.caravan.runtime.store.JobRow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.caravan.job.model.Namespaces;
import java.util.TreeSet;

/**
 * Jobs moved between instances as one JSON bundle: their documents, the connections they name,
 * and the names of the stored secrets they read. No secret value is ever in a bundle: a
 * connection's secret fields and a webhook's literal signing secret are placeholders
 * {@code {"$secret": "<name>"}}, given back on import ({@link BundleImport}).
 */
public final class Bundles {

    /** The bundle format this instance writes and reads. */
    public static final int FORMAT = 1;

    private final JobService jobs;
    private final ConnectionStore connections;
    private final ObjectMapper json;

    public Bundles(JobService jobs, ConnectionStore connections, ObjectMapper json) {
        this.jobs = jobs;
        this.connections = connections;
        this.json = json;
    }

    /** The bundle of these jobs (all of them when none is named); 404 names a job that does not exist. */
    public ObjectNode export(List<String> ids, io.caravan.runtime.store.NamespaceFilter visible) {
        List<JobRow> rows = ids.isEmpty() ? jobs.list(null, null, Integer.MAX_VALUE, 0).stream()
                .filter(row -> visible.admits(row.id())).toList()
                : ids.stream().distinct().map(jobs::get).toList();
        ObjectNode bundle = json.createObjectNode().put("caravan_bundle", FORMAT).put("exported_at", Instant.now().toString());
        ArrayNode jobList = bundle.putArray("jobs");
        Set<String> usedConnections = new TreeSet<>();
        Set<String> storedSecrets = new TreeSet<>();
        for (JobRow row : rows) {
            JsonNode document = jobs.definition(row);
            String namespace = Namespaces.of(row.id());
            JobReferences.connections(document).forEach(name -> usedConnections.add(Namespaces.key(namespace, name)));
            storedSecrets.addAll(SecretRefs.in(document.toString()));
            jobList.addObject().put("id", Namespaces.local(row.id())).put("version", row.currentVersion())
                    .set("definition", withPlaceholders(document));
        }
        ArrayNode connectionList = bundle.putArray("connections");
        for (String name : usedConnections) {
            connections.list().stream().filter(c -> c.name().equals(name)).findFirst().ifPresent(c -> {
                ObjectNode node = connectionList.addObject().put("name", Namespaces.local(c.name()));
                node.setAll(connectionView(c.name(), c.type(), c.config()));
                ObjectNode secrets = node.putObject("secrets");
                c.secretFields().forEach(field -> secrets.set(field, placeholder(Namespaces.local(c.name()) + "." + field)));
            });
        }
        ArrayNode secretList = bundle.putArray("secrets");
        storedSecrets.forEach(secretList::add);
        return bundle;
    }

    /** A job document with each literal webhook secret replaced by a placeholder named {@code <job>.webhook.<trigger index>}. */
    ObjectNode withPlaceholders(JsonNode document) {
        ObjectNode copy = document.deepCopy();
        JsonNode triggers = copy.path("triggers");
        for (int i = 0; i < triggers.size(); i++) {
            JsonNode secret = triggers.get(i).get("secret");
            if ("webhook".equals(triggers.get(i).path("type").asText()) && secret != null && secret.isTextual()
                    && !SecretRefs.isReference(secret.asText())) {
                ((ObjectNode) triggers.get(i)).set("secret", placeholder(webhookSecret(copy.path("id").asText(), i)));
            }
        }
        return copy;
    }

    /**
     * A connection's type and config as a bundle shows them: header values (of an {@code http}
     * connection) as placeholders {@code <connection>.headers.<header>} — they often hold API keys.
     */
    ObjectNode connectionView(String name, String type, Map<String, Object> config) {
        ObjectNode view = json.createObjectNode().put("type", type);
        ObjectNode copy = json.valueToTree(config);
        if (copy.get("headers") instanceof ObjectNode headers) {
            List<String> names = new java.util.ArrayList<>();
            headers.fieldNames().forEachRemaining(names::add);
            names.forEach(header -> headers.set(header, placeholder(name + ".headers." + header)));
        }
        view.set("config", copy);
        return view;
    }

    static String webhookSecret(String jobId, int trigger) {
        return jobId + ".webhook." + trigger;
    }

    private ObjectNode placeholder(String name) {
        return json.createObjectNode().put("$secret", name);
    }

    /** The name a placeholder stands for, when the node is one. */
    static Optional<String> placeholderName(JsonNode node) {
        return node != null && node.isObject() && node.size() == 1 && node.path("$secret").isTextual()
                ? Optional.of(node.get("$secret").asText()) : Optional.empty();
    }

    /** Every placeholder of a connection's secrets, by field. */
    static Map<String, String> placeholders(JsonNode secrets) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        secrets.fields().forEachRemaining(f -> placeholderName(f.getValue()).ifPresent(n -> out.put(f.getKey(), n)));
        return out;
    }
}
