package io.caravan.connectors.rows;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.job.step.StepException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Rows as steps hand them to each other. Up to {@link #INLINE} rows are the list itself, in the
 * step's output, where expressions read them ({@code steps.x.output.rows[0].sku}). More than
 * that stay in a file of the execution, and the output holds a reference to it instead:
 * <pre>{"$rows": "jobs/…/files/orders.csv", "format": "csv", "options": {…}, "count": 250000}</pre>
 * A step that takes {@code rows} accepts either and streams them, so a million rows never sit
 * in memory or in the checkpoint.
 */
public final class Rows {

    /** The most rows a step's output holds as a list. */
    public static final int INLINE = 1000;

    /** The key of a reference. */
    public static final String REFERENCE = "$rows";

    private static final Map<String, RowFormat> FORMATS = formats();

    private Rows() {
    }

    private static Map<String, RowFormat> formats() {
        Map<String, RowFormat> formats = new LinkedHashMap<>();
        ServiceLoader.load(RowFormat.class, Rows.class.getClassLoader()).forEach(f -> formats.put(f.name(), f));
        return formats;
    }

    /** A reference to rows in a file of the execution. */
    public static Map<String, Object> reference(String path, String format, Map<String, Object> options, long count) {
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put(REFERENCE, path);
        reference.put("format", format);
        reference.put("options", options);
        reference.put("count", count);
        return reference;
    }

    /** Whether a value is a reference to rows in a file. */
    public static boolean isReference(Object value) {
        return value instanceof Map<?, ?> map && map.get(REFERENCE) instanceof String;
    }

    /**
     * Opens the rows a step's field holds: a list of objects, or a reference.
     *
     * @throws StepException (type {@code rows}) naming {@code field} when it holds neither
     */
    public static RowSource open(Object value, String field, ExecutionFiles files) throws Exception {
        if (value instanceof List<?> list) {
            return listed(list, field);
        }
        if (isReference(value)) {
            Map<?, ?> reference = (Map<?, ?>) value;
            RowFormat format = FORMATS.get(String.valueOf(reference.get("format")));
            if (format == null) {
                throw new StepException("rows", field + ": rows of unknown format '" + reference.get("format") + "'",
                        false);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> options = reference.get("options") instanceof Map<?, ?> m
                    ? (Map<String, Object>) m : Map.of();
            InputStream in = files.open(reference.get(REFERENCE), field);
            return format.open(in, options);
        }
        throw new StepException("rows", field + ": expected rows (a list of objects, or a step's output.rows), got "
                + (value == null ? "null" : value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)), false);
    }

    private static RowSource listed(List<?> list, String field) {
        Iterator<?> it = list.iterator();
        return new RowSource() {
            private int index;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            @SuppressWarnings("unchecked")
            public Map<String, Object> next() {
                Object row = it.next();
                if (!(row instanceof Map<?, ?>)) {
                    throw new BadRow(field + "[" + index + "] is not an object (a row has named"
                            + " values), it is " + (row == null ? "null" : "'" + row + "'"));
                }
                index++;
                return (Map<String, Object>) row;
            }

            @Override
            public void close() {
            }
        };
    }

    /** A row that cannot be read; a step turns it into its failure of type {@code rows}. */
    public static final class BadRow extends RuntimeException {
        public BadRow(String message) {
            super(message, null, false, false);
        }

        /** As the step's failure. */
        public StepException failure() {
            return new StepException("rows", getMessage(), false);
        }
    }
}
