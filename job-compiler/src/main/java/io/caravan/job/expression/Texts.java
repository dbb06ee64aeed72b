package io.caravan.job.expression;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/** How a value of the context reads when it is placed inside text. */
final class Texts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Texts() {
    }

    /** Null is empty; lists and maps are JSON; numbers are plain (no exponent). */
    static String of(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("value cannot be written as JSON", e);
            }
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return value.toString();
    }
}
