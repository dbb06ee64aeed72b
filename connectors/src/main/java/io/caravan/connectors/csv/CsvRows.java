package io.caravan.connectors.csv;

import io.caravan.connectors.rows.RowFormat;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV rows read one record at a time through Commons CSV: for {@code csv.read}, and for any step
 * given the rows of a CSV file too large to be handed on as a list. Every value is text (CSV has
 * no types; {@code transform} converts). A row is an object from column name to value; a record
 * with more values than there are columns is an error, one with fewer has the rest null.
 */
public final class CsvRows implements RowFormat {

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public RowSource open(InputStream in, Map<String, Object> options) throws IOException {
        return open(in, CsvOptions.of(options));
    }

    static RowSource open(InputStream in, CsvOptions options) throws IOException {
        Reader reader = new BufferedReader(new InputStreamReader(withoutBom(in, options.charset()), options.charset()),
                64 * 1024);
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(options.format()).get();
        Iterator<CSVRecord> records = parser.iterator();
        List<String> columns = options.columns() != null ? options.columns()
                : options.header() ? List.copyOf(parser.getHeaderNames()) : null;
        return new RowSource() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Map<String, Object> next() {
                return row(records.next(), columns);
            }

            @Override
            public void close() {
                try {
                    parser.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** The names of a header-less file's columns: column1, column2, … */
    private static Map<String, Object> row(CSVRecord record, List<String> columns) {
        int size = record.size();
        if (columns != null && size > columns.size()) {
            throw new Rows.BadRow("line " + record.getRecordNumber() + " has " + size + " values, but there are "
                    + columns.size() + " columns " + columns);
        }
        int width = columns == null ? size : columns.size();
        Map<String, Object> row = new LinkedHashMap<>(width * 2);
        for (int i = 0; i < width; i++) {
            row.put(columns == null ? "column" + (i + 1) : columns.get(i), i < size ? record.get(i) : null);
        }
        return row;
    }

    /** Skips a byte-order mark (files saved by spreadsheet programs start with one). */
    private static InputStream withoutBom(InputStream in, Charset charset) throws IOException {
        if (!charset.equals(StandardCharsets.UTF_8)) {
            return in;
        }
        PushbackInputStream pushback = new PushbackInputStream(in, 3);
        byte[] head = pushback.readNBytes(3);
        boolean bom = head.length == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF;
        if (!bom) {
            pushback.unread(head);
        }
        return pushback;
    }
}
