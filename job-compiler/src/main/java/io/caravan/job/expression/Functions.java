package io.caravan.job.expression;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * compareTo split concat toString}. Methods that can build huge text ({@code repeat},
 * {@code formatted}, {@code indent}, {@code replace}, {@code replaceAll}, {@code matches}) are
 * not available: use {@link #replace(Object, String, String)}. Text produced by rendering a
 * template, and by {@code replace}, is limited to {@value Template#MAX_TEXT_LENGTH} characters (1 MiB).
 */
public final class Functions {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Configuration JSONPATH = Configuration.defaultConfiguration()
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

    /** Reads a JSONPath (e.g. {@code $..id}) from a value of the context; null when it matches nothing. */
    public static Object jsonpath(Object value, String path) {
        return JsonPath.using(JSONPATH).parse(value).read(path);
    }

    /** The value as JSON text. */
    public static String json(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }

    public static String upper(Object value) {
        return value == null ? null : value.toString().toUpperCase(Locale.ROOT);
    }

    public static String lower(Object value) {
        return value == null ? null : value.toString().toLowerCase(Locale.ROOT);
    }

    public static String trim(Object value) {
        return value == null ? null : value.toString().strip();
    }

    /** Joins the elements of a list with a separator. */
    public static String join(Collection<?> values, String separator) {
        return String.join(separator, values.stream().map(String::valueOf).toList());
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
            checkLength(out.length() + value.length() - start);
        }
        return out.append(value, start, value.length()).toString();
    }

    private static void checkLength(long length) {
        if (length > Template.MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("the result would be longer than "
                    + Template.MAX_TEXT_LENGTH + " characters");
        }
    }

    /** The keys of a map, in order. */
    public static List<String> keys(Map<String, ?> map) {
        return List.copyOf(map.keySet());
    }
}
