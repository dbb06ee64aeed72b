package io.caravan.job.compiler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.expression.ExpressionException;
import io.caravan.job.expression.Expressions;
import io.caravan.job.expression.Template;
import io.caravan.job.step.StepException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a step's config as written into plain values: every string is a {@link Template};
 * keys are never rendered. An expression that fails names the step, the field and itself.
 */
final class Renderer {

    private final Expressions expressions;
    private final ObjectMapper json;

    Renderer(Expressions expressions, ObjectMapper json) {
        this.expressions = expressions;
        this.json = json;
    }

    /** Renders a JSON tree; {@code field} is its path within the step, for errors. */
    Object render(JsonNode node, Map<String, Object> scope, String stepId, String field) throws StepException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return renderText(node.textValue(), scope, stepId, field);
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), render(e.getValue(), scope, stepId, join(field, e.getKey())));
            }
            return out;
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                out.add(render(node.get(i), scope, stepId, field + "[" + i + "]"));
            }
            return out;
        }
        return json.convertValue(node, Object.class);
    }

    /** Renders one string value. */
    Object renderText(String text, Map<String, Object> scope, String stepId, String field) throws StepException {
        try {
            return Template.render(text, scope, expressions);
        } catch (ExpressionException e) {
            throw new StepException("expression", "step '" + stepId + "', field '" + field + "': "
                    + e.getMessage(), false, e);
        }
    }

    private static String join(String field, String key) {
        return field.isEmpty() ? key : field + "." + key;
    }
}
