package io.caravan.connectors.transform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A transform's {@code columns} made ready once per run: the expressions (and constants), rendered
 * together once per row, and the typed columns {@code {from, type, default, format}}, read once
 * (their settings are fixed values), with their date patterns compiled.
 */
final class Columns {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Typed column settings, with the compiled date pattern. */
    private record Typed(TransformConfig.Column column, DateTimeFormatter format) {
    }

    private final Map<String, Object> order; // name -> Typed, or null for an expression's value
    private final Map<String, Object> expressions;

    private Columns(Map<String, Object> order, Map<String, Object> expressions) {
        this.order = order;
        this.expressions = expressions;
    }

    static Columns of(Map<String, Object> written) throws StepException {
        Map<String, Object> order = new LinkedHashMap<>();
        Map<String, Object> expressions = new LinkedHashMap<>();
        if (written != null) {
            for (Map.Entry<String, Object> entry : written.entrySet()) {
                if (entry.getValue() instanceof Map<?, ?> spec) {
                    order.put(entry.getKey(), column(entry.getKey(), spec));
                } else {
                    order.put(entry.getKey(), null);
                    expressions.put(entry.getKey(), entry.getValue());
                }
            }
        }
        return new Columns(order, expressions);
    }

    /** The typed column an object entry describes. */
    static Typed column(String name, Object spec) throws StepException {
        TransformConfig.Column column = JSON.convertValue(spec, TransformConfig.Column.class);
        try {
            return new Typed(column, column.format() == null ? null : DateTimeFormatter.ofPattern(column.format()));
        } catch (IllegalArgumentException e) {
            throw new StepException("config", "columns." + name + ".format: " + e.getMessage(), false);
        }
    }

    /** Fills {@code made} with the new columns of {@code row}; returns why the row is refused, or null. */
    String make(Map<String, Object> row, StepCall call, Map<String, Object> made) throws StepException {
        if (order.isEmpty()) {
            return null;
        }
        Map<?, ?> values = expressions.isEmpty() ? Map.of()
                : (Map<?, ?>) call.render(expressions, "columns", Map.of("row", row));
        for (Map.Entry<String, Object> entry : order.entrySet()) {
            String name = entry.getKey();
            if (!(entry.getValue() instanceof Typed typed)) {
                made.put(name, values.get(name));
                continue;
            }
            TransformConfig.Column column = typed.column();
            Object value = row.get(column.from() == null ? name : column.from());
            if (value == null || value instanceof String s && s.isEmpty()) {
                value = column.defaultValue();
            }
            try {
                made.put(name, value == null || column.type() == null ? value : column.type().convert(value, typed.format()));
            } catch (IllegalArgumentException e) {
                return "column " + name + ": " + e.getMessage();
            }
        }
        return null;
    }
}
