package io.caravan.job.expression;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** How a value of the context reads when it is placed inside text. */
final class Texts {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than this, a decimal is written with an exponent: 1E+999999999 must not become a billion zeros. */
    private static final int MAX_PLAIN_DIGITS = 1000;

    private Texts() {
    }

    /**
     * Null is empty; lists, maps and arrays are JSON; numbers are plain (no exponent) unless that
     * would take more than {@value #MAX_PLAIN_DIGITS} digits.
     *
     * @throws TextLimit.TooLong when the JSON would be longer than the text limit
     */
    static String of(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?> || value.getClass().isArray()) {
            return TextLimit.json(JSON, value);
        }
        if (value instanceof BigDecimal d) {
            return plainDigits(d) <= MAX_PLAIN_DIGITS ? d.toPlainString() : d.toString();
        }
        return value.toString();
    }

    /**
     * The elements of an array (JEXL's {@code [1, 2]} is one) as a list. A primitive array can
     * only come from a literal, so it is as short as the expression that wrote it.
     */
    static List<?> elements(Object array) {
        return array instanceof Object[] objects ? Arrays.asList(objects) : JSON.convertValue(array, List.class);
    }

    private static long plainDigits(BigDecimal d) {
        long integerDigits = Math.max((long) d.precision() - d.scale(), 1);
        return integerDigits + Math.max(d.scale(), 0);
    }
}
