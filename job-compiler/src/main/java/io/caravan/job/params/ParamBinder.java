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
 * names, missing required values, wrong types, values outside {@code enum} or min/max, strings
 * not in their {@code format} — every problem at once, at {@code $.params.<name>}. Values are
 * never quoted back in a problem: a parameter may be secret. It also checks, when a job is saved,
 * that the declarations can be met at all ({@link #declarations}).
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

    /**
     * The problems of a job's declarations: a default or enum value its own parameter refuses, a
     * format on a non-string, min/max on a non-number or crossed, a secret that is not a string;
     * and triggers that cannot give a required parameter (webhooks and file drops give none, a
     * schedule gives its {@code params}, whose literal values must fit) — except in a template,
     * whose jobs get their values when they are made.
     */
    public void declarations(JobDefinition job, Problems problems) {
        job.params().forEach((name, spec) -> {
            Problems at = problems.at(".params." + name);
            String type = spec.type().json();
            if (spec.format() != null && spec.type() != io.caravan.job.model.ParamType.STRING) {
                at.add(".format", "applies to strings; '" + name + "' is " + article(type) + type);
            }
            if (Boolean.TRUE.equals(spec.secret()) && spec.type() != io.caravan.job.model.ParamType.STRING) {
                at.add(".secret", "only a string parameter can be secret");
            }
            boolean numeric = spec.type() == io.caravan.job.model.ParamType.INTEGER
                    || spec.type() == io.caravan.job.model.ParamType.NUMBER;
            if (!numeric && (spec.minimum() != null || spec.maximum() != null)) {
                at.add(spec.minimum() != null ? ".minimum" : ".maximum", "applies to numbers; '" + name + "' is "
                        + article(type) + type);
            } else if (spec.minimum() != null && spec.maximum() != null && spec.minimum().compareTo(spec.maximum()) > 0) {
                at.add(".maximum", "is less than the minimum");
            }
            if (hasDefault(spec) && Boolean.TRUE.equals(spec.secret())) {
                at.add(".default", "a secret parameter has no default: its value is given when a run starts");
            } else if (hasDefault(spec)) {
                check(spec, json.convertValue(spec.defaultValue(), Object.class), at, ".default");
            }
            if (spec.allowed() != null) {
                for (int i = 0; i < spec.allowed().size(); i++) {
                    check(spec, json.convertValue(spec.allowed().get(i), Object.class), at, ".enum[" + i + "]", false);
                }
            }
        });
        if (job.isTemplate()) {
            return; // its jobs get their values when instantiated, and are checked then
        }
        for (int i = 0; i < job.triggers().size(); i++) {
            Problems at = problems.at(".triggers[" + i + "]");
            if (job.triggers().get(i) instanceof io.caravan.job.model.TriggerSpec.Schedule schedule) {
                scheduled(job, schedule.params() == null ? Map.of() : schedule.params(), at.at(".params"));
            } else {
                job.params().forEach((name, spec) -> {
                    if (spec.isRequired() && !hasDefault(spec)) {
                        at.add("", "this trigger gives no parameters, but '" + name + "' is required and has no default");
                    }
                });
            }
        }
    }

    /** A schedule's params: known names, required ones given, literal values fitting (a template is checked when it fires). */
    private void scheduled(JobDefinition job, Map<String, Object> given, Problems at) {
        given.forEach((name, value) -> {
            ParamSpec spec = job.params().get(name);
            if (spec == null) {
                at.add("." + name, "is not a parameter of job '" + job.id() + "'");
            } else if (Boolean.TRUE.equals(spec.secret())) {
                at.add("." + name, "is secret: a schedule cannot give it; read a stored secret ({{ secrets.<name> }})"
                        + " in the steps instead");
            } else if (!(value instanceof String text && text.contains("{{"))) {
                check(spec, value, at, "." + name);
            }
        });
        job.params().forEach((name, spec) -> {
            if (spec.isRequired() && !hasDefault(spec) && !given.containsKey(name)) {
                at.add("", "'" + name + "' is required and has no default; give it here");
            }
        });
    }

    private static boolean hasDefault(ParamSpec spec) {
        return spec.defaultValue() != null && !spec.defaultValue().isNull();
    }

    /** 7.0 is an integer, as in JSON Schema: the number counts, not how it was written. */
    private static boolean isWhole(Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isFinite(d) && d == Math.rint(d);
        }
        return !(n instanceof BigDecimal d) || d.stripTrailingZeros().scale() <= 0;
    }

    private static String article(String type) {
        return type.startsWith("a") || type.startsWith("o") || type.startsWith("i") ? "an " : "a ";
    }

    private boolean check(ParamSpec spec, Object value, Problems at, String field) {
        return check(spec, value, at, field, true);
    }

    private boolean check(ParamSpec spec, Object value, Problems at, String field, boolean withEnum) {
        String type = spec.type().json();
        boolean ok = switch (spec.type()) {
            case STRING -> value instanceof String;
            case INTEGER -> value instanceof Number n && isWhole(n);
            case NUMBER -> value instanceof Number;
            case BOOLEAN -> value instanceof Boolean;
            case ARRAY -> value instanceof List<?>;
            case OBJECT -> value instanceof Map<?, ?>;
        };
        if (!ok) {
            at.add(field, "must be " + article(type) + type);
            return false;
        }
        if (hasNul(value)) { // PostgreSQL, where runs and their params are stored, cannot hold it
            at.add(field, "must not contain the NUL character (\\u0000)");
            return false;
        }
        if (spec.format() != null && value instanceof String text && !ParamFormats.matches(spec.format(), text)) {
            at.add(field, "must be " + ParamFormats.describe(spec.format()));
            return false;
        }
        if (withEnum && spec.allowed() != null && !spec.allowed().isEmpty()) {
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
