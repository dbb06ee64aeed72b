package io.caravan.job.expression;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
    private static final Pattern WHOLE = Pattern.compile("^\\s*\\{\\{((?:(?!}}).)*)}}\\s*$", Pattern.DOTALL);

    private Template() {
    }

    /** Whether the text holds at least one placeholder. */
    public static boolean hasPlaceholder(String text) {
        return text != null && text.contains("{{") && PLACEHOLDER.matcher(text).find();
    }

    /** Whether the text opens a placeholder it never closes, e.g. {@code "n {{ params.x"}. */
    public static boolean hasUnclosed(String text) {
        return text != null && PLACEHOLDER.matcher(text).replaceAll("").contains("{{");
    }

    /** The expressions of every placeholder in the text, stripped. */
    public static List<String> expressions(String text) {
        List<String> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.add(m.group(1).strip());
        }
        return found;
    }

    /** The expression when the whole text is one placeholder, else null. */
    public static String wholeExpression(String text) {
        Matcher m = WHOLE.matcher(text);
        return m.matches() ? m.group(1).strip() : null;
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
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        String expression = null;
        while (m.find()) {
            expression = m.group(1).strip();
            Object value = expressions.evaluate(expression, scope);
            m.appendReplacement(out, Matcher.quoteReplacement(Texts.of(value)));
            tooLong(out.length(), expression);
        }
        m.appendTail(out);
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
    private static void tooLong(int length, String expression) {
        if (length > MAX_TEXT_LENGTH) {
            throw new ExpressionException(expression, "the rendered text is longer than " + MAX_TEXT_LENGTH
                    + " characters (1 MiB)", null);
        }
    }
}
