package io.caravan.connectors.rows;

import com.fasterxml.jackson.databind.SequenceWriter;
import io.caravan.connectors.files.ExecutionFiles;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows a step makes, for its output: kept as a list while there are at most {@link Rows#INLINE};
 * past that, every row goes to a local spool file, which {@link #value} sends to the execution's
 * files as JSON lines and names by a reference. Memory stays bounded by the inline rows.
 */
public final class RowsOut implements AutoCloseable {

    private final java.util.function.Supplier<ExecutionFiles> files;
    private final String filename;
    private final List<Map<String, Object>> inline = new ArrayList<>();
    private Path spool;
    private OutputStream out;
    private SequenceWriter writer;
    private long count;

    /** Rows that, when many, become the execution's (unlisted) file {@code filename}. */
    public RowsOut(ExecutionFiles files, String filename) {
        this(() -> files, filename);
    }

    /** As {@link #RowsOut(ExecutionFiles, String)}, the files found only once there are too many rows to keep. */
    public RowsOut(java.util.function.Supplier<ExecutionFiles> files, String filename) {
        this.files = files;
        this.filename = filename;
    }

    /** Adds one row. */
    public void add(Map<String, Object> row) throws Exception {
        count++;
        if (writer == null && inline.size() < Rows.INLINE) {
            inline.add(row);
            return;
        }
        if (writer == null) { // the first row past the inline ones: from here on all go to the spool
            spool = Files.createTempFile("caravan-rows-", ".jsonl");
            out = new BufferedOutputStream(Files.newOutputStream(spool), 64 * 1024);
            writer = JsonLines.writer(out);
            for (Map<String, Object> earlier : inline) {
                writer.write(earlier);
            }
            inline.clear();
        }
        writer.write(row);
    }

    /** How many rows were added. */
    public long count() {
        return count;
    }

    /** The rows for the step's output: the list, or a reference to the file they were sent to. */
    public Object value() throws Exception {
        if (writer == null) {
            return List.copyOf(inline);
        }
        writer.close();
        out.close();
        Map<String, Object> file = files.get().store(filename, "rows", "application/x-ndjson", false, spool, count);
        return Rows.reference((String) file.get("path"), "jsonl", Map.of(), count);
    }

    @Override
    public void close() throws Exception {
        if (writer != null) {
            writer.close();
            out.close();
        }
        if (spool != null) {
            Files.deleteIfExists(spool);
        }
    }
}
