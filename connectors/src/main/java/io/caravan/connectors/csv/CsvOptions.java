package io.caravan.connectors.csv;

import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * How a CSV file is written or read: the dialect settings of {@code csv.read} and
 * {@code csv.write}, also kept in a rows reference so the step that streams the rows later
 * parses them the same way.
 */
record CsvOptions(char delimiter, Character quote, boolean header, List<String> columns, Charset charset,
        boolean trim) {

    static final String DEFAULT_DELIMITER = ",";
    static final String DEFAULT_QUOTE = "\"";

    /** From a step's settings as written (null: the default). */
    static CsvOptions of(String delimiter, String quote, Boolean header, List<String> columns, String charset,
            Boolean trim) {
        String q = quote == null ? DEFAULT_QUOTE : quote;
        return new CsvOptions((delimiter == null ? DEFAULT_DELIMITER : delimiter).charAt(0),
                q.isEmpty() ? null : q.charAt(0), header == null || header, columns,
                Charset.forName(charset == null ? "UTF-8" : charset), trim != null && trim);
    }

    /** From a rows reference's options. */
    @SuppressWarnings("unchecked")
    static CsvOptions of(Map<String, Object> options) {
        return of((String) options.get("delimiter"), (String) options.get("quote"), (Boolean) options.get("header"),
                (List<String>) options.get("columns"), (String) options.get("charset"), (Boolean) options.get("trim"));
    }

    /** For a rows reference. */
    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("delimiter", String.valueOf(delimiter));
        map.put("quote", quote == null ? "" : String.valueOf(quote));
        map.put("header", header);
        map.put("columns", columns);
        map.put("charset", charset.name());
        map.put("trim", trim);
        return map;
    }

    /** The format to parse with; a header row is read (and checked: no name twice, none empty). */
    CSVFormat format() {
        CSVFormat.Builder format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setQuote(quote)
                .setIgnoreEmptyLines(true).setTrim(trim).setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW);
        if (header) {
            format.setHeader().setSkipHeaderRecord(true);
        }
        return format.get();
    }

    /** Whether a character set of this name is known here. */
    static boolean supported(String charset) {
        try {
            return Charset.isSupported(charset);
        } catch (IllegalArgumentException e) { // an illegal name
            return false;
        }
    }
}
