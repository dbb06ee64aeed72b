package io.caravan.job.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.expression.ExpressionException;
import io.caravan.job.expression.Expressions;
import io.caravan.job.expression.Template;
import io.caravan.job.model.StepCommon;
import io.caravan.job.step.StepKind;
import io.caravan.job.step.StepKinds;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks a schema cannot make: unique step ids, expressions that parse and read only names
 * that exist (earlier steps, declared params), known connections, valid durations, no NUL
 * character in any text, and each kind's own rules (such as no {@code {{ }}} in a SQL query).
 */
final class SemanticChecks {

    /** The names an expression may start with. */
    static final Set<String> ROOTS = Set.of("execution", "params", "variables", "steps", "trigger", "webhook",
            "files", "secrets", "connections", "item", "index", "row");

    /** Most attempts a step may have; more is a loop, not a retry. */
    static final int MAX_ATTEMPTS = 100;

    private final StepKinds kinds;
    private final Expressions expressions;
    private final ObjectMapper json;

    SemanticChecks(StepKinds kinds, Expressions expressions, ObjectMapper json) {
        this.kinds = kinds;
        this.expressions = expressions;
        this.json = json;
    }

    void check(ObjectNode job, Set<String> connections, Problems problems) {
        nul(job, problems, "");
        duration(job.get("timeout"), problems, ".timeout");
        JsonNode retention = job.get("retention");
        if (retention != null && retention.isTextual() && Template.hasPlaceholder(retention.asText())) {
            problems.add(".retention", "must be a fixed duration such as P7D, not an expression");
        }
        duration(retention, problems, ".retention");
        duration(job.at("/defaults/timeout"), problems, ".defaults.timeout");
        retry(job.at("/defaults/retry"), problems.at(".defaults.retry"));
        Set<String> params = fieldNames(job.get("params"));
        JsonNode steps = job.get("steps");
        if (steps == null || !steps.isArray()) {
            return;
        }
        if (steps.isEmpty()) {
            problems.add(".steps", "a job needs at least one step");
        }
        Map<String, Integer> seen = new HashMap<>();
        java.util.Set<String> stepIds = new java.util.HashSet<>();
        steps.forEach(step -> stepIds.add(step.path("id").asText()));
        TriggerChecks.check(job.get("triggers"), stepIds, problems.at(".triggers"));
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof ObjectNode step) {
                Problems at = problems.at(".steps[" + i + "]");
                String id = step.path("id").asText(null);
                if (id != null && seen.containsKey(id)) {
                    at.add(".id", "duplicate step id '" + id + "' (first used at $.steps[" + seen.get(id) + "])");
                }
                new StepScope(id, Set.copyOf(seen.keySet()), params, step.has("forEach")).check(step, at);
                if (id != null) {
                    seen.putIfAbsent(id, i);
                }
                checkStep(step, connections, at);
            }
        }
    }

    private void checkStep(ObjectNode step, Set<String> connections, Problems at) {
        duration(step.get("timeout"), at, ".timeout");
        retry(step.get("retry"), at.at(".retry"));
        JsonNode connection = step.get("connection");
        if (connection != null && connection.isTextual() && !Template.hasPlaceholder(connection.asText())
                && !connections.contains(connection.asText())) {
            at.add(".connection", "unknown connection '" + connection.asText() + "'; known: "
                    + String.join(", ", new java.util.TreeSet<>(connections)));
        }
        StepKind<?> kind = kinds.get(step.path("type").asText());
        if (kind != null) {
            kindCheck(kind, step, at);
        }
    }

    private <C> void kindCheck(StepKind<C> kind, ObjectNode step, Problems at) {
        ObjectNode config = step.deepCopy();
        config.remove(StepCommon.FIELDS);
        C typed;
        try {
            typed = json.treeToValue(config, kind.configType());
        } catch (Exception e) {
            return; // the schema has reported why
        }
        kind.check(typed, at);
    }

    private void retry(JsonNode retry, Problems at) {
        if (retry != null && retry.isObject()) {
            duration(retry.get("delay"), at, ".delay");
            duration(retry.get("maxDelay"), at, ".maxDelay");
            JsonNode attempts = retry.get("attempts");
            if (attempts != null && attempts.isNumber() && (attempts.asInt() < 1 || attempts.asInt() > MAX_ATTEMPTS)) {
                at.add(".attempts", "must be from 1 to " + MAX_ATTEMPTS + " (the first attempt included), got " + attempts);
            }
            JsonNode multiplier = retry.get("multiplier");
            if (multiplier != null && multiplier.isNumber() && multiplier.asDouble() < 1) {
                at.add(".multiplier", "must be at least 1, got " + multiplier);
            }
        }
    }

    private static void duration(JsonNode value, Problems problems, String field) {
        if (value == null || !value.isTextual() || Template.hasPlaceholder(value.asText())) {
            return;
        }
        try {
            Duration d = Duration.parse(value.asText());
            if (d.isNegative() || d.isZero()) {
                problems.add(field, "must be a positive duration, got '" + value.asText() + "'");
            }
        } catch (DateTimeParseException e) {
            problems.add(field, "'" + value.asText() + "' is not an ISO-8601 duration such as PT30S or PT5M");
        }
    }

    /** PostgreSQL, where definitions are stored, cannot hold U+0000 in text; JSON can. */
    private static void nul(JsonNode node, Problems problems, String path) {
        if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
            problems.add(path, "contains the NUL character (\\u0000), which cannot be stored; remove it");
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().indexOf('\0') >= 0) {
                    problems.add(path, "has a field name with the NUL character (\\u0000), which cannot be stored;"
                            + " remove it");
                }
                nul(e.getValue(), problems, path + "." + e.getKey().replace("\0", "\\u0000"));
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                nul(node.get(i), problems, path + "[" + i + "]");
            }
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        if (node != null && node.isObject()) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    /** Checks every expression of one step against what it may read. */
    private final class StepScope {
        private final String stepId;
        private final Set<String> earlier;
        private final Set<String> params;
        private final boolean forEach;

        StepScope(String stepId, Set<String> earlier, Set<String> params, boolean forEach) {
            this.stepId = stepId;
            this.earlier = earlier;
            this.params = params;
            this.forEach = forEach;
        }

        void check(ObjectNode step, Problems at) {
            for (Iterator<Map.Entry<String, JsonNode>> it = step.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = e.getKey();
                if (field.equals("when") || field.equals("forEach")) {
                    wholeExpression(e.getValue(), at, "." + field);
                }
                walk(e.getValue(), at, "." + field, !field.equals("forEach"));
            }
        }

        private void wholeExpression(JsonNode value, Problems at, String field) {
            if (value.isTextual() && Template.wholeExpression(value.asText()) == null) {
                at.add(field, "must be one expression written {{ ... }}, got '" + value.asText() + "'");
            }
        }

        private void walk(JsonNode node, Problems at, String path, boolean itemVisible) {
            if (node.isTextual()) {
                if (Template.hasUnclosed(node.asText())) {
                    at.add(path, "has a '{{' without its '}}': write {{ expression }}");
                }
                for (String expression : Template.expressions(node.asText())) {
                    expression(expression, at, path, itemVisible);
                }
            } else if (node.isObject()) {
                node.fields().forEachRemaining(e -> walk(e.getValue(), at, path + "." + e.getKey(), itemVisible));
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), at, path + "[" + i + "]", itemVisible);
                }
            }
        }

        private void expression(String expression, Problems at, String path, boolean itemVisible) {
            Set<List<String>> variables;
            try {
                variables = expressions.variables(expression);
            } catch (ExpressionException e) {
                at.add(path, "invalid expression '" + expression + "': " + e.reason());
                return;
            }
            for (List<String> variable : variables) {
                String problem = reference(variable, itemVisible);
                if (problem != null) {
                    at.add(path, "expression '" + expression + "' " + problem);
                }
            }
        }

        private String reference(List<String> variable, boolean itemVisible) {
            String root = variable.get(0);
            if (!ROOTS.contains(root)) {
                return "reads unknown name '" + root + "'; expressions read " + String.join(", ", new java.util.TreeSet<>(ROOTS));
            }
            if ((root.equals("item") || root.equals("index")) && !(forEach && itemVisible)) {
                return "reads '" + root + "', which only a step with forEach has";
            }
            if (variable.size() < 2) {
                return null;
            }
            String name = variable.get(1);
            if (root.equals("params") && !params.contains(name)) {
                return "reads parameter '" + name + "', which the job does not declare";
            }
            if (root.equals("steps")) {
                if (name.equals(stepId)) {
                    return "reads step '" + name + "' itself; a step may only read steps that run before it";
                }
                if (!earlier.contains(name)) {
                    return "reads step '" + name + "', which does not run before this step";
                }
            }
            return null;
        }
    }
}
