package io.caravan.connectors.transform;

import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The types a transform converts a column to. Text read from CSV becomes a number, a boolean or
 * an ISO date; a value that does not convert is the row's rejection, not a guess.
 */
public enum ColumnType {
    STRING, INTEGER, NUMBER, BOOLEAN, DATE;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The value as this type.
     *
     * @param format for dates, the pattern of the text (null: ISO)
     * @throws IllegalArgumentException saying why it does not convert
     */
    public Object convert(Object value, DateTimeFormatter format) {
        return switch (this) {
            case STRING -> value instanceof BigDecimal d ? d.toPlainString() : value.toString();
            case INTEGER -> integer(value);
            case NUMBER -> number(value);
            case BOOLEAN -> bool(value);
            case DATE -> date(value, format);
        };
    }

    private static Object integer(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return value;
        }
        BigDecimal number = number(value);
        try {
            return number.stripTrailingZeros().scale() <= 0 ? number.longValueExact() : fail(value, "an integer");
        } catch (ArithmeticException e) {
            return fail(value, "an integer in range");
        }
    }

    private static BigDecimal number(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        try {
            return new BigDecimal(value.toString().trim());
        } catch (NumberFormatException e) {
            return fail(value, "a number");
        }
    }

    private static Boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "1" -> true;
            case "false", "no", "n", "0" -> false;
            default -> fail(value, "a boolean (true/false, yes/no, 1/0)");
        };
    }

    private static String date(Object value, DateTimeFormatter format) {
        try {
            return LocalDate.parse(value.toString().trim(), format == null ? DateTimeFormatter.ISO_LOCAL_DATE : format)
                    .toString();
        } catch (DateTimeParseException e) {
            return fail(value, "a date" + (format == null ? " (yyyy-MM-dd)" : " in the given format"));
        }
    }

    private static <T> T fail(Object value, String what) {
        throw new IllegalArgumentException("'" + value + "' is not " + what);
    }
}
