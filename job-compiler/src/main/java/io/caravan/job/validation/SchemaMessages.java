package io.caravan.job.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.model.StepCommon;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the schema validator's messages into sentences a job author understands, at the path of
 * the field concerned: a missing or unknown field is reported at that field (with a "did you
 * mean" for a near miss), an unknown step type names the known ones, and a pattern is explained
 * instead of shown as a regex.
 */
final class SchemaMessages {

    private static final Map<String, String> PATTERNS = Map.of(
            JobDefinition.ID_PATTERN, "must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit",
            StepCommon.ID_PATTERN, "must be 1 to 63 letters, digits or '_', starting with a letter or '_'"
                    + " (so that expressions can read steps.<id>)");

    private final JsonNode schema;

    SchemaMessages(JsonNode schema) {
        this.schema = schema;
    }

    Problem translate(ValidationMessage m) {
        String path = m.getInstanceLocation().toString();
        String property = m.getProperty();
        return switch (m.getType()) {
            case "required" -> new Problem(path + "." + property, "is required" + where(m));
            case "additionalProperties" -> new Problem(path + "." + property,
                    "is not a field of " + owner(m) + suggestion(m, property));
            case "enum" -> enumeration(m, path);
            case "pattern" -> new Problem(path, PATTERNS.getOrDefault(patternOf(m), stripPath(m.getMessage(), path))
                    + ", got " + m.getInstanceNode());
            case "type" -> new Problem(path, "must be " + article(String.valueOf(m.getArguments()[1]))
                    + ", got " + article(String.valueOf(m.getArguments()[0])));
            default -> new Problem(path, stripPath(m.getMessage(), path));
        };
    }

    private Problem enumeration(ValidationMessage m, String path) {
        List<String> allowed = new ArrayList<>();
        m.getSchemaNode().forEach(v -> allowed.add(v.asText()));
        String got = m.getInstanceNode() == null ? "null" : m.getInstanceNode().toString();
        if (path.matches("\\$\\.steps\\[\\d+]\\.type")) {
            return new Problem(path, "unknown step type " + got + "; known: " + String.join(", ", allowed));
        }
        if (path.matches("\\$\\.triggers\\[\\d+]\\.type")) {
            return new Problem(path, "unknown trigger type " + got + "; known: " + String.join(", ", allowed));
        }
        return new Problem(path, "must be one of " + String.join(", ", allowed) + ", got " + got);
    }

    /**
     * "an http step" for a field of a step kind's schema, "a step" for one of any step, "the job"
     * at the top, else "this object".
     */
    private String owner(ValidationMessage m) {
        String location = m.getInstanceLocation().toString();
        java.util.regex.Matcher param = java.util.regex.Pattern.compile("^\\$\\.params\\.([^.\\[]+)$").matcher(location);
        if (param.matches()) {
            return "parameter '" + param.group(1) + "'";
        }
        String kind = kindOf(m);
        String whole = kind == null ? null : phrase(kind);
        // a nested object (retry, auth.basic, concurrency) is named, then what holds it
        java.util.regex.Matcher nested = java.util.regex.Pattern
                .compile("^\\$(?:\\.(?:steps|triggers)\\[\\d+])?\\.(.+)$").matcher(location);
        if (nested.matches() && !location.matches("^\\$\\.(?:steps|triggers)\\[\\d+]$")) {
            return "'" + nested.group(1) + "'" + (whole == null ? "" : " of " + whole);
        }
        if (whole != null) {
            return whole;
        }
        return "$".equals(location) ? "the job" : "this object";
    }

    private static String phrase(String kind) {
        String phrase = kind.replace('.', ' ').replaceFirst("^(step|trigger) (.*)$", "$2 $1");
        return (phrase.matches("^(?:[aeiouh]|sftp|sql|s3).*") ? "an " : "a ") + phrase;
    }

    private String where(ValidationMessage m) {
        String owner = owner(m);
        return owner.equals("this object") ? "" : " in " + owner;
    }

    /**
     * The schema a message comes from: {@code step.http} for a step kind's own schema; for the
     * schema common to every step (or trigger), the kind its {@code type} names, so that the same
     * rule reached through both reads the same, else {@code step} (or {@code trigger}).
     */
    private String kindOf(ValidationMessage m) {
        String location = fragment(m);
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("^/\\$defs/((?:step|trigger)(?:\\.[^/]+)?)/")
                .matcher(location);
        if (!matcher.find()) {
            return null;
        }
        String kind = matcher.group(1);
        JsonNode type = m.getInstanceNode() == null ? null : m.getInstanceNode().get("type");
        if (!kind.contains(".") && type != null && type.isTextual()
                && schema.path("$defs").has(kind + "." + type.asText())) {
            return kind + "." + type.asText();
        }
        return kind;
    }

    /** A near-miss field name allowed where the unknown one stands. */
    private String suggestion(ValidationMessage m, String property) {
        String location = fragment(m);
        int slash = location.lastIndexOf('/');
        if (slash < 0) {
            return "";
        }
        JsonNode properties = schema.at(location.substring(0, slash) + "/properties");
        String best = null;
        int bestDistance = 3;
        for (var it = properties.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            int d = distance(name.toLowerCase(java.util.Locale.ROOT), property.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance && 2 * d <= property.length()) { // no "did you mean 'id'?" for "x"
                best = name;
                bestDistance = d;
            }
        }
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    private static String fragment(ValidationMessage m) {
        return m.getSchemaLocation() == null || m.getSchemaLocation().getFragment() == null
                ? "" : m.getSchemaLocation().getFragment().toString();
    }

    private String patternOf(ValidationMessage m) {
        JsonNode node = m.getSchemaNode();
        return node == null ? "" : node.asText();
    }

    private static String article(String type) {
        return (type.matches("^[aeiou].*") ? "an " : "a ") + type;
    }

    static String stripPath(String message, String path) {
        String prefix = path + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** Levenshtein distance, for "did you mean". */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
