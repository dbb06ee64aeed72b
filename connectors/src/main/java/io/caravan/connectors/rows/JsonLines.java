package io.caravan.connectors.rows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Rows one JSON object per line: how steps that make rows ({@code transform}) hand many of them
 * on. JSON keeps the values' types (numbers, booleans, text) where CSV would not.
 */
public final class JsonLines implements RowFormat {

    static final ObjectMapper JSON = new ObjectMapper().disable(
            com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    @Override
    public String name() {
        return "jsonl";
    }

    @Override
    public RowSource open(InputStream in, Map<String, Object> options) throws IOException {
        MappingIterator<Map<String, Object>> rows = JSON.readerFor(Map.class)
                .without(JsonParser.Feature.AUTO_CLOSE_SOURCE).readValues(in);
        return new RowSource() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Map<String, Object> next() {
                return rows.next();
            }

            @Override
            public void close() {
                try (in) {
                    rows.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** A writer of rows to {@code out}, one line each; closing it leaves {@code out} open. */
    static SequenceWriter writer(OutputStream out) throws IOException {
        return JSON.writer().withRootValueSeparator("\n").writeValues(out);
    }
}
