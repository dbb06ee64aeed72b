package io.caravan.runtime.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.caravan.job.model.Namespaces;

/** The connections a job document names: a {@code connection} field anywhere, or {@code connections.<name>} in an expression. */
public final class JobReferences {

    private static final Pattern IN_EXPRESSION = Pattern.compile("\\bconnections\\s*\\.\\s*([A-Za-z][A-Za-z0-9_]*)");

    private JobReferences() {
    }

    /** The names, sorted. */
    public static Set<String> connections(JsonNode document) {
        Set<String> names = new TreeSet<>();
        walk(document, names);
        return names;
    }

    /**
     * The document as a node of namespace {@code namespace} runs it: each {@code connection} it
     * names is the connection of that name in the namespace (the embedded {@code local} one
     * belongs to every namespace). Expressions keep their names: they read the namespace's
     * connections by name ({@code connections.<name>}).
     */
    public static JsonNode qualified(JsonNode document, String namespace) {
        if (Namespaces.DEFAULT.equals(namespace)) {
            return document;
        }
        JsonNode copy = document.deepCopy();
        qualify(copy, namespace);
        return copy;
    }

    private static void qualify(JsonNode node, String namespace) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            JsonNode connection = object.get("connection");
            if (connection != null && connection.isTextual() && !connection.asText().equals(io.caravan.runtime.connections.ConnectionRegistry.LOCAL)) {
                object.put("connection", Namespaces.key(namespace, connection.asText()));
            }
            object.forEach(child -> qualify(child, namespace));
        } else if (node.isArray()) {
            node.forEach(item -> qualify(item, namespace));
        }
    }

    private static void walk(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("connection") && field.getValue().isTextual()) {
                    names.add(field.getValue().asText());
                } else {
                    walk(field.getValue(), names);
                }
            }
        } else if (node.isArray()) {
            node.forEach(item -> walk(item, names));
        } else if (node.isTextual() && node.asText().contains("{{")) {
            Matcher m = IN_EXPRESSION.matcher(node.asText());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
    }
}
