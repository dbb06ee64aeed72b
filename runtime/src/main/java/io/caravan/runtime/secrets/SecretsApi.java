package io.caravan.runtime.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * {@code /api/v1/secrets}: write-only values. {@code PUT /secrets/{name}} with {@code {"value": "…"}}
 * stores (201 new, 200 replaced); reads give name, key id and times, never the value.
 */
public final class SecretsApi {

    private final SecretStore store;
    private final ObjectMapper json;

    public SecretsApi(SecretStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    public void put(Exchange e) throws Exception {
        String name = name(e);
        JsonNode body;
        try {
            body = json.readTree(e.getMessage().getBody(String.class));
        } catch (Exception bad) {
            body = null;
        }
        if (body == null || !body.isObject() || !body.path("value").isTextual() || body.size() != 1) {
            throw ApiException.badRequest("send {\"value\": \"…\"}", List.of(new Problem("$.value", "must be a string")));
        }
        boolean created = store.put(name, body.get("value").asText());
        reply(e, created ? 201 : 200, view(store.find(name).orElseThrow()));
    }

    public void list(Exchange e) throws Exception {
        ObjectNode out = json.createObjectNode();
        var items = out.putArray("items");
        var visible = io.caravan.runtime.access.Scopes.visible(e);
        store.list().stream().filter(m -> visible.admits(m.name())).forEach(m -> items.add(view(m)));
        reply(e, 200, out);
    }

    public void get(Exchange e) throws Exception {
        String name = name(e);
        reply(e, 200, view(store.find(name).orElseThrow(() -> ApiException.notFound("no secret '" + name + "'"))));
    }

    public void delete(Exchange e) {
        String name = name(e);
        if (!store.delete(name)) {
            throw ApiException.notFound("no secret '" + name + "'");
        }
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        e.getMessage().setBody(null);
    }

    private ObjectNode view(SecretStore.Metadata m) {
        ObjectNode node = json.createObjectNode();
        node.put("name", io.caravan.job.model.Namespaces.local(m.name()));
        node.put("namespace", io.caravan.job.model.Namespaces.of(m.name()));
        node.put("key_id", m.keyId());
        node.put("created_at", m.createdAt().toString());
        node.put("updated_at", m.updatedAt().toString());
        return node;
    }

    private static String name(Exchange e) {
        String name = e.getMessage().getHeader("name", String.class);
        if (!io.caravan.job.model.Namespaces.validKey(name, SecretStore.NAME)) {
            throw ApiException.notFound("no secret '" + (name == null ? "" : name.replace("\u0000", "")) + "'");
        }
        return name;
    }

    private void reply(Exchange e, int status, JsonNode body) throws Exception {
        io.caravan.runtime.api.Replies.json(e, status, body, json);
    }
}
