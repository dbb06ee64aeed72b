package io.caravan.connectors.xlsx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a sheet is read: the settings of {@code xlsx.read}, also kept in a rows reference so the
 * step that streams the rows later reads the same sheet the same way.
 *
 * @param sheet the sheet's name, or its 1-based position (an integer, or digits that name no
 *     sheet); null for the first sheet
 * @param header whether the first row names the columns
 * @param columns names given to the columns, in order, or null
 */
record XlsxOptions(Object sheet, boolean header, List<String> columns) {

    /** From a step's settings as written (null: the default). */
    static XlsxOptions of(Object sheet, Boolean header, List<String> columns) {
        return new XlsxOptions(sheet, header == null || header, columns);
    }

    /** From a rows reference's options. */
    @SuppressWarnings("unchecked")
    static XlsxOptions of(Map<String, Object> options) {
        return of(options.get("sheet"), (Boolean) options.get("header"), (List<String>) options.get("columns"));
    }

    /** For a rows reference. */
    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("sheet", sheet);
        map.put("header", header);
        map.put("columns", columns);
        return map;
    }
}
