package io.caravan.job.expression;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text with {@code {{ expr }}} placeholders. A value that is exactly one placeholder keeps the
 * result's type (number, list, object); inside other text, results are turned into text.
 */
public final class Template {

    /**
     * The longest text (in characters, 1 MiB) that rendering placeholders inside other text may
     * produce; a value that is exactly one placeholder is passed on as it is.
     */
    public static final int MAX_TEXT_LENGTH = 1024 * 1024;

    private static final String OPEN = "{{";
    private static final String CLOSE = "}}";

    private Template() {
    }

    /**
     * Where the placeholders stand, from each {@code {{} to the first {@code }}} after it.
     * Found with {@code indexOf} rather than a regex: a lazy regex rescans the rest of the text
     * from every unclosed opening, which is quadratic (80,000 characters of {@code {{} took 20 s).
     */
    private record Placeholder(int start, int end) {
        String expression(String text) {
            return text.substring(start + OPEN.length(), end - CLOSE.length()).strip();
        }
    }

    /** The placeholders of a text, in order; {@code unclosed} is set when an opening has no close. */
    private record Scan(List<Placeholder> placeholders, boolean unclosed) {
        static Scan of(String text) {
            List<Placeholder> found = new ArrayList<>();
            int from = 0;
            for (int open = text.indexOf(OPEN); open >= 0; open = text.indexOf(OPEN, from)) {
                int close = text.indexOf(CLOSE, open + OPEN.length());
                if (close < 0) {
                    return new Scan(found, true);
                }
                from = close + CLOSE.length();
                found.add(new Placeholder(open, from));
            }
            return new Scan(found, false);
        }
    }

    /** Whether the text holds at least one placeholder. */
    public static boolean hasPlaceholder(String text) {
        return text != null && text.contains(OPEN) && !Scan.of(text).placeholders().isEmpty();
    }

    /** Whether the text opens a placeholder it never closes, e.g. {@code "n {{ params.x"}. */
    public static boolean hasUnclosed(String text) {
        return text != null && text.contains(OPEN) && Scan.of(text).unclosed();
    }

    /** The expressions of every placeholder in the text, stripped. */
    public static List<String> expressions(String text) {
        List<String> found = new ArrayList<>();
        if (text != null) {
            Scan.of(text).placeholders().forEach(p -> found.add(p.expression(text)));
        }
        return found;
    }

    /** The expression when the whole text (but whitespace around it) is one placeholder, else null. */
    public static String wholeExpression(String text) {
        String stripped = text.strip();
        List<Placeholder> found = Scan.of(stripped).placeholders();
        return found.size() == 1 && found.get(0).start() == 0 && found.get(0).end() == stripped.length()
                ? found.get(0).expression(stripped) : null;
    }

    /**
     * Renders text against a scope: one whole placeholder yields the typed value, otherwise a
     * string with every placeholder replaced by its value's text (null as empty).
     *
     * @throws ExpressionException when an expression fails, or the rendered text would be longer
     *     than {@link #MAX_TEXT_LENGTH} characters
     */
    public static Object render(String text, Map<String, Object> scope, Expressions expressions) {
        if (!hasPlaceholder(text)) {
            return text;
        }
        String whole = wholeExpression(text);
        if (whole != null) {
            return expressions.evaluate(whole, scope);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        String expression = null;
        for (Placeholder placeholder : Scan.of(text).placeholders()) {
            expression = placeholder.expression(text);
            String value = expressions.evaluateToText(expression, scope);
            out.append(text, from, placeholder.start());
            tooLong((long) out.length() + value.length(), expression);
            out.append(value);
            from = placeholder.end();
        }
        out.append(text, from, text.length());
        tooLong(out.length(), expression);
        return out.toString();
    }

    /**
     * Renders every string inside maps and lists (keys are left as they are); other values are
     * kept. For values given outside a step, such as a schedule's parameters.
     */
    public static Object renderTree(Object value, Map<String, Object> scope, Expressions expressions) {
        if (value instanceof String text) {
            return render(text, scope, expressions);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, renderTree(v, scope, expressions)));
            return out;
        }
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(v -> renderTree(v, scope, expressions)).toList();
        }
        return value;
    }

    /** Text may be built from large values of the context; a bound keeps one step from filling the heap. */
    private static void tooLong(long length, String expression) {
        if (length > MAX_TEXT_LENGTH) {
            throw new ExpressionException(expression, "the rendered text is longer than " + MAX_TEXT_LENGTH
                    + " characters (1 MiB)", null);
        }
    }
}
