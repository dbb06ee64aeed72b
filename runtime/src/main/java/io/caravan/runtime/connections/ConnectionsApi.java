package io.caravan.runtime.connections;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.model.Namespaces;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * {@code /api/v1/connections}: {@code {name, type, config, secrets}}. Secret fields are write-only
 * (reads list their names); a connection that jobs use cannot be deleted (409 naming them);
 * {@code POST /connections/{name}/test} tries it for real.
 */
public final class ConnectionsApi {

    // "-" as in the examples' partner-sftp; expressions reach such a name as connections['partner-sftp']
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,99}");

    private final ConnectionStore store;
    private final ConnectionRegistry registry;
    private final Function<String, List<String>> usedBy;
    private final ObjectMapper json;

    public ConnectionsApi(ConnectionStore store, ConnectionRegistry registry, Function<String, List<String>> usedBy,
            ObjectMapper json) {
        this.store = store;
        this.registry = registry;
        this.usedBy = usedBy;
        this.json = json;
    }

    /** {@code POST /connections}: the body names the connection and, optionally, its namespace. */
    public void create(Exchange e) throws Exception {
        JsonNode body = body(e);
        String namespace = body.path("namespace").asText(Namespaces.DEFAULT);
        if (!Namespaces.valid(namespace)) {
            throw ApiException.badRequest("the connection is not valid", List.of(new Problem("$.namespace",
                    "'" + namespace + "' must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit")));
        }
        io.caravan.runtime.access.Scopes.check(e, namespace);
        String name = body.path("name").asText("");
        if (!NAME.matcher(name).matches() || name.equals(ConnectionRegistry.LOCAL)) {
            throw ApiException.badRequest("the connection is not valid", problems(name, body.path("type").asText(""), Map.of(), java.util.Set.of()));
        }
        save(e, Namespaces.key(namespace, name), body, true);
    }

    public void update(Exchange e) throws Exception {
        save(e, name(e), body(e), false);
    }

    public void list(Exchange e) throws Exception {
        ObjectNode out = json.createObjectNode();
        var items = out.putArray("items");
        var visible = io.caravan.runtime.access.Scopes.visible(e);
        store.list().stream().filter(c -> visible.admits(c.name())).forEach(c -> items.add(view(c)));
        reply(e, 200, out);
    }

    public void get(Exchange e) throws Exception {
        String name = name(e);
        reply(e, 200, view(store.list().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no connection '" + name + "'"))));
    }

    public void delete(Exchange e) {
        String name = name(e);
        List<String> jobs = usedBy.apply(name);
        if (!jobs.isEmpty()) {
            throw ApiException.conflict("connection '" + name + "' is used by job(s) " + String.join(", ", jobs)
                    + "; change them first");
        }
        if (!store.delete(name)) {
            throw ApiException.notFound("no connection '" + name + "'");
        }
        registry.sync();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        e.getMessage().setBody(null);
    }

    /**
     * What is wrong with a connection: its name, type, required and unknown settings, secret
     * fields, a jdbc URL that could load classes or write files; each problem at its path.
     */
    public static List<Problem> problems(String name, String type, Map<String, Object> config, java.util.Set<String> secretFields) {
        List<Problem> problems = new ArrayList<>();
        if (!NAME.matcher(name).matches() || name.equals(ConnectionRegistry.LOCAL)) {
            problems.add(new Problem("$.name", "'" + name
                    + "' must be a letter, then letters, digits, _ or - ('local' is the embedded database's)"));
        }
        ConnectionKind kind = ConnectionKind.of(type);
        if (kind == null) {
            problems.add(new Problem("$.type", "must be one of "
                    + java.util.Arrays.stream(ConnectionKind.values()).map(ConnectionKind::type).toList()));
            return problems;
        }
        kind.required().stream().filter(f -> !config.containsKey(f)).sorted()
                .forEach(f -> problems.add(new Problem("$.config." + f, "is required for a " + kind.type() + " connection")));
        config.keySet().stream().filter(f -> !kind.required().contains(f) && !kind.optional().contains(f)).sorted()
                .forEach(f -> problems.add(new Problem("$.config." + f, kind.secrets().contains(f)
                        ? "is secret: give it under secrets" : "is not a setting of a " + kind.type() + " connection")));
        secretFields.stream().filter(f -> !kind.secrets().contains(f)).sorted()
                .forEach(f -> problems.add(new Problem("$.secrets." + f, "is not a secret field of a " + kind.type()
                        + " connection (" + String.join(", ", new java.util.TreeSet<>(kind.secrets())) + ")")));
        if (config.get("ca") != null) {
            try {
                io.caravan.connectors.tls.TrustedCertificates.trustStore(String.valueOf(config.get("ca")), "it");
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("$.config.ca", "must be PEM certificates (-----BEGIN CERTIFICATE-----): "
                        + e.getMessage()));
            }
        }
        Object url = config.get("url");
        if (kind == ConnectionKind.JDBC && url != null && !safeJdbcUrl(url.toString())) {
            problems.add(new Problem("$.config.url", "must be jdbc:postgresql://… without socketFactory, sslfactory,"
                    + " sslhostnameverifier, sslpasswordcallback, authenticationPluginClassName or loggerFile"));
        }
        return problems;
    }

    /** Tries the connection for real ({@link ConnectionTests}): 200 with {@code ok}, what was seen or the error, and the time. */
    public void test(Exchange e) throws Exception {
        String name = name(e);
        ConnectionStore.Connection c = store.open(name).orElseThrow(() -> ApiException.notFound("no connection '" + name + "'"));
        long t0 = System.nanoTime();
        ConnectionTests.Outcome outcome = ConnectionTests.test(c);
        ObjectNode out = json.createObjectNode().put("name", Namespaces.local(name)).put("namespace", Namespaces.of(name))
                .put("type", c.type()).put("ok", outcome.ok());
        out.put(outcome.ok() ? "detail" : "error", outcome.detail());
        out.put("millis", (System.nanoTime() - t0) / 1_000_000);
        reply(e, 200, out);
    }

    private void save(Exchange e, String name, JsonNode body, boolean create) throws Exception {
        Map<String, Object> config = body.has("config")
                ? json.convertValue(body.get("config"), new TypeReference<LinkedHashMap<String, Object>>() {
                }) : Map.of();
        // secrets are write-only: an update that leaves them out keeps the stored ones
        Map<String, String> secrets = body.has("secrets")
                ? json.convertValue(body.get("secrets"), new TypeReference<LinkedHashMap<String, String>>() {
                }) : create ? Map.of() : store.open(name).map(ConnectionStore.Connection::secrets).orElse(Map.of());
        List<Problem> problems = problems(Namespaces.local(name), body.path("type").asText(""), config, secrets.keySet());
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("the connection is not valid", problems);
        }
        ConnectionKind kind = ConnectionKind.of(body.path("type").asText(""));
        if (create && store.list().stream().anyMatch(c -> c.name().equals(name))) {
            throw ApiException.conflict("a connection named '" + Namespaces.local(name) + "' exists already in namespace '"
                    + Namespaces.of(name) + "'");
        }
        boolean created = store.save(name, kind.type(), config, secrets);
        registry.sync();
        reply(e, created ? 201 : 200, view(store.list().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow()));
    }

    /** A PostgreSQL URL whose parameters cannot make the driver load classes or write files. */
    private static boolean safeJdbcUrl(String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("jdbc:postgresql://") && java.util.stream.Stream.of("socketfactory", "sslfactory",
                "sslhostnameverifier", "sslpasswordcallback", "authenticationpluginclassname", "loggerfile")
                .noneMatch(lower::contains);
    }

    private ObjectNode view(ConnectionStore.Connection c) {
        ObjectNode node = json.createObjectNode();
        node.put("name", Namespaces.local(c.name()));
        node.put("namespace", Namespaces.of(c.name()));
        node.put("type", c.type());
        node.set("config", json.valueToTree(c.config()));
        node.set("secrets", json.valueToTree(c.secretFields())); // their names only
        node.put("updated_at", c.updatedAt().toString());
        return node;
    }

    private JsonNode body(Exchange e) {
        return io.caravan.runtime.api.Requests.body(e, json, false);
    }

    private static String name(Exchange e) {
        String name = e.getMessage().getHeader("name", String.class);
        if (!Namespaces.validKey(name, NAME)) {
            throw ApiException.notFound("no connection '" + (name == null ? "" : name.replace("\u0000", "")) + "'");
        }
        return name;
    }

    private void reply(Exchange e, int status, JsonNode body) throws Exception {
        io.caravan.runtime.api.Replies.json(e, status, body, json);
    }
}
