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

    /** The keys of a map, in order. */
    public static List<String> keys(Map<String, ?> map) {
        return List.copyOf(map.keySet());
    }
}
