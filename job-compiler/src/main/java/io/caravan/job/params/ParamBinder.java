package io.caravan.job.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.model.ParamSpec;
import io.caravan.job.validation.Problems;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the parameters of a run against the job's declarations and applies defaults: unknown
 * names, missing required values, wrong types, values outside {@code enum} or min/max — every
 * problem at once, at {@code $.params.<name>}.
 */
public final class ParamBinder {

    private final ObjectMapper json;

    public ParamBinder(ObjectMapper json) {
        this.json = json;
    }

    /** The bound parameters, defaults applied; problems are added to {@code problems}. */
    public Map<String, Object> bind(JobDefinition job, Map<String, Object> given, Problems problems) {
        Map<String, Object> input = given == null ? Map.of() : given;
        Problems at = problems.at(".params");
        Map<String, Object> bound = new LinkedHashMap<>();
        input.keySet().stream().filter(name -> !job.params().containsKey(name)).sorted()
                .forEach(name -> at.add("." + name, "is not a parameter of job '" + job.id() + "'"
                        + (job.params().isEmpty() ? "" : "; it has " + String.join(", ", job.params().keySet()))));
        job.params().forEach((name, spec) -> {
            Object value = input.containsKey(name) ? input.get(name)
                    : spec.defaultValue() == null ? null : json.convertValue(spec.defaultValue(), Object.class);
            if (value == null) {
                if (spec.isRequired()) {
                    at.add("." + name, "is required");
                }
                return;
            }
            if (check(spec, value, at, "." + name)) {
                bound.put(name, value);
            }
        });
        return bound;
    }

    private boolean check(ParamSpec spec, Object value, Problems at, String field) {
        String type = spec.type().json();
        boolean ok = switch (spec.type()) {
            case STRING -> value instanceof String;
            case INTEGER -> value instanceof Integer || value instanceof Long
                    || value instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0;
            case NUMBER -> value instanceof Number;
            case BOOLEAN -> value instanceof Boolean;
            case ARRAY -> value instanceof List<?>;
            case OBJECT -> value instanceof Map<?, ?>;
        };
        if (!ok) {
            at.add(field, "must be " + (type.startsWith("a") || type.startsWith("o") || type.startsWith("i") ? "an " : "a ")
                    + type);
            return false;
        }
        if (hasNul(value)) { // PostgreSQL, where runs and their params are stored, cannot hold it
            at.add(field, "must not contain the NUL character (\\u0000)");
            return false;
        }
        if (spec.allowed() != null && !spec.allowed().isEmpty()) {
            JsonNode node = json.valueToTree(value);
            if (!spec.allowed().contains(node)) {
                at.add(field, "must be one of " + spec.allowed());
                return false;
            }
        }
        if (value instanceof Number n) {
            BigDecimal v = new BigDecimal(n.toString());
            if (spec.minimum() != null && v.compareTo(spec.minimum()) < 0) {
                at.add(field, "must be at least " + spec.minimum().toPlainString());
                return false;
            }
            if (spec.maximum() != null && v.compareTo(spec.maximum()) > 0) {
                at.add(field, "must be at most " + spec.maximum().toPlainString());
                return false;
            }
        }
        return true;
    }

    /** Whether a text anywhere in the value (names of an object's fields too) holds U+0000. */
    private static boolean hasNul(Object value) {
        if (value instanceof String text) {
            return text.indexOf('\0') >= 0;
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().anyMatch(e -> hasNul(e.getKey()) || hasNul(e.getValue()));
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(ParamBinder::hasNul);
        }
        return false;
    }
}
