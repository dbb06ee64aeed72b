package io.caravan.job.expression;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The functions an expression may call without a prefix, e.g. {@code date(trigger.scheduled_at,
 * 'yyyy-MM-dd', -1)}. JEXL's own {@code size(x)} and {@code empty(x)} are available too.
 * <p>
 * Besides these functions, an expression may call reading methods of lists and maps
 * ({@code .size()}, {@code .get(i)}, {@code .containsKey(k)}, ...) and these methods of text:
 * {@code length isEmpty isBlank trim strip stripLeading stripTrailing toUpperCase toLowerCase
 * substring startsWith endsWith contains indexOf lastIndexOf charAt equals equalsIgnoreCase
 * compareTo toString}. Methods that can build huge text ({@code repeat}, {@code formatted},
 * {@code indent}, {@code concat}, {@code replace}) or take a regular expression ({@code split},
 * {@code replaceAll}, {@code matches}) are not available: use {@code +},
 * {@link #replace(Object, String, String)}, {@link #split(String, String)} and {@code =~}.
 * Text built by an expression (by {@code +}, these functions, or rendering a template) is limited
 * to {@value Template#MAX_TEXT_LENGTH} characters (1 MiB).
 */
public final class Functions {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Configuration JSONPATH = Configuration.defaultConfiguration()
            .jsonProvider(new WatchedJsonProvider())
            .addOptions(Option.SUPPRESS_EXCEPTIONS);

    private Functions() {
    }

    /** The current time as an ISO-8601 instant. */
    public static String now() {
        return Instant.now().toString();
    }

    /** Formats a date or date-time (ISO-8601 text; null is now, UTC) with a pattern. */
    public static String date(Object value, String pattern) {
        return date(value, pattern, 0);
    }

    /** Like {@link #date(Object, String)}, shifted by a number of days. */
    public static String date(Object value, String pattern, Number plusDays) {
        OffsetDateTime time = toDateTime(value).plusDays(plusDays.longValue());
        return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(time);
    }

    private static OffsetDateTime toDateTime(Object value) {
        if (value == null) {
            return OffsetDateTime.now(ZoneOffset.UTC);
        }
        String text = value.toString();
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException notDateTime) {
            try {
                return Instant.parse(text).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException notInstant) {
                return LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
            }
        }
    }

    /**
     * Reads a JSONPath (e.g. {@code $..id}) from a value of the context; null when it matches
     * nothing. Filters may not match regular expressions ({@code =~}): a backtracking pattern
     * could run for hours inside the library; match the result with {@code =~} instead.
     */
    public static Object jsonpath(Object value, String path) {
        if (path.contains("=~")) {
            throw new IllegalArgumentException("a JSONPath filter may not use =~ (regular expressions);"
                    + " select with jsonpath, then match with the expression's =~");
        }
        Object found = JsonPath.using(JSONPATH).parse(value).read(path);
        Deadline.check(); // the library swallows the deadline's exception and answers as if nothing matched
        return found;
    }

    /** The value as JSON text. */
    public static String json(Object value) {
        return TextLimit.json(JSON, value);
    }

    public static String upper(Object value) {
        return value == null ? null : limited(Texts.of(value).toUpperCase(Locale.ROOT));
    }

    public static String lower(Object value) {
        return value == null ? null : limited(Texts.of(value).toLowerCase(Locale.ROOT));
    }

    public static String trim(Object value) {
        return value == null ? null : limited(Texts.of(value).strip());
    }

    /** Joins the elements of a list with a separator. */
    public static String join(Collection<?> values, String separator) {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object value : values) {
            // checked as it grows: join(1..2000000000, ',') must stop at the limit, not fill the heap
            String text = (first ? "" : separator) + value;
            TextLimit.check((long) out.length() + text.length());
            out.append(text);
            first = false;
        }
        return out.toString();
    }

    private static String limited(String text) {
        TextLimit.check(text.length());
        return text;
    }

    /** Splits text around a literal separator. */
    public static List<String> split(String value, String separator) {
        return List.of(value.split(java.util.regex.Pattern.quote(separator), -1));
    }

    /**
     * Replaces every occurrence of a literal text (not a pattern), e.g.
     * {@code replace(params.name, ' ', '_')}. Null stays null.
     *
     * @throws IllegalArgumentException when {@code from} is empty or the result would be longer
     *     than {@value Template#MAX_TEXT_LENGTH} characters
     */
    public static String replace(Object text, String from, String to) {
        if (text == null) {
            return null;
        }
        if (from == null || from.isEmpty()) {
            throw new IllegalArgumentException("the text to replace must not be empty");
        }
        String value = text.toString();
        String with = to == null ? "" : to;
        StringBuilder out = new StringBuilder();
        int start = 0;
        // built piece by piece and checked as it grows, so a refused result is never held whole
        for (int at = value.indexOf(from); at >= 0; at = value.indexOf(from, start)) {
            out.append(value, start, at).append(with);
            start = at + from.length();
            TextLimit.check((long) out.length() + value.length() - start);
        }
        return out.append(value, start, value.length()).toString();
    }

    /** The keys of a map, in order. */
    public static List<String> keys(Map<String, ?> map) {
        return List.copyOf(map.keySet());
    }
}
