package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One step as written: the common fields (see {@link StepCommon}) and the kind's own
 * configuration, kept as JSON until it is rendered against an execution's context.
 *
 * @param node the whole step object as written
 */
public record StepSpec(ObjectNode node) {

    /** Reads a step object. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public StepSpec {
        node = node.deepCopy();
    }

    /** The step as JSON. */
    @JsonValue
    public ObjectNode node() {
        return node.deepCopy();
    }

    public String id() {
        return text("id");
    }

    public String type() {
        return text("type");
    }

    public String name() {
        return text("name");
    }

    public String when() {
        return text("when");
    }

    /** The forEach value: an expression string or a literal array; null when absent. */
    public JsonNode forEach() {
        JsonNode n = node.get("forEach");
        return n == null || n.isNull() ? null : n;
    }

    public boolean continueOnError() {
        return node.path("continueOnError").asBoolean(false);
    }

    public String timeout() {
        return text("timeout");
    }

    /** The kind's configuration: every field but the common ones. */
    public ObjectNode config() {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        node.fields().forEachRemaining(e -> {
            if (!StepCommon.FIELDS.contains(e.getKey())) {
                config.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return config;
    }

    private String text(String field) {
        JsonNode n = node.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
