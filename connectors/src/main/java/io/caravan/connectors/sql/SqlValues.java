package io.caravan.connectors.sql;

import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns JDBC column values into JSON values for the context: times as ISO-8601 text. */
final class SqlValues {

    private SqlValues() {
    }

    static Map<String, Object> row(Map<?, ?> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        row.forEach((k, v) -> out.put(String.valueOf(k), value(v)));
        return out;
    }

    static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (v instanceof java.sql.Time t) {
            return t.toLocalTime().toString();
        }
        if (v instanceof java.time.temporal.TemporalAccessor || v instanceof java.util.UUID) {
            return v.toString();
        }
        if (v instanceof Array array) {
            return array(array);
        }
        if (v instanceof byte[] bytes) {
            return java.util.Base64.getEncoder().encodeToString(bytes);
        }
        return v.toString(); // e.g. PostgreSQL json, interval, inet: their text form
    }

    private static List<Object> array(Array array) {
        try {
            Object[] elements = (Object[]) array.getArray();
            List<Object> out = new ArrayList<>(elements.length);
            for (Object e : elements) {
                out.add(value(e));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read SQL array: " + e.getMessage(), e);
        }
    }
}
