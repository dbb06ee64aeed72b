package io.caravan.connectors.files;

import io.caravan.connectors.storage.ObjectPaths;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files of one execution (DESIGN §3, §4): objects under
 * {@code jobs/{job}/executions/{execution}/files/}, each described by a map
 * {@code {path, filename, size, mime_type, row_count?, created_at}} that goes into
 * {@code context.files} and into the output of the step that made it. Steps hand files to each
 * other by that map ({@code "file": "{{ steps.x.output.file }}"}).
 *
 * <p>A file is written to a local spool file first and then sent in one upload of known length:
 * any size passes through in bounded memory, and a step that fails half-way leaves no object.
 * A step reads only its own execution's files: a path elsewhere is refused.
 */
public final class ExecutionFiles {

    /** Registry name of the {@link ObjectStore} steps keep files in. */
    public static final String BEAN = "caravan-objects";

    private static final int BUFFER = 64 * 1024;

    private final ObjectStore store;
    private final ExecutionContext execution;

    public ExecutionFiles(ObjectStore store, ExecutionContext execution) {
        this.store = store;
        this.execution = execution;
    }

    /** The files of the execution a step runs in. */
    public static ExecutionFiles of(StepCall call) {
        ObjectStore store = call.camel().getRegistry().lookupByNameAndType(BEAN, ObjectStore.class);
        if (store == null) {
            throw new IllegalStateException("no ObjectStore bound as " + BEAN);
        }
        return new ExecutionFiles(store, call.execution());
    }

    /** Writes what a step makes of a file's content; returns the count of rows it wrote, or null. */
    @FunctionalInterface
    public interface Content {
        Long write(OutputStream out) throws Exception;
    }

    /** The object path of a file of this execution. */
    public String path(String filename) {
        return folder() + filename;
    }

    private String folder() {
        return ObjectPaths.context(execution.jobId(), execution.executionId()).replace("context.json", "files/");
    }

    /**
     * Writes a new file of this execution, listed in {@code context.files}; one of the same name
     * is replaced.
     *
     * @param field the step's field the name came from, for errors
     * @return the file's map
     */
    public Map<String, Object> write(String filename, String field, Content content) throws Exception {
        return write(filename, field, FileNames.mediaType(filename), true, content);
    }

    /**
     * Writes a file of this execution; {@code listed} false keeps a step's working file (rows
     * handed to the next step) out of {@code context.files}.
     */
    public Map<String, Object> write(String filename, String field, String mediaType, boolean listed, Content content)
            throws Exception {
        String name = FileNames.checked(filename, field);
        Path spool = Files.createTempFile("caravan-file-", ".part");
        try {
            Long rows;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), BUFFER)) {
                rows = content.write(out);
            }
            return store(name, field, mediaType, listed, spool, rows);
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /** Sends a local file whole as the execution's file {@code filename}; the local file stays. */
    public Map<String, Object> store(String filename, String field, String mediaType, boolean listed, Path local,
            Long rows) throws Exception {
        String name = FileNames.checked(filename, field);
        long size = Files.size(local);
        String key = path(name);
        try (InputStream in = Files.newInputStream(local)) {
            store.putStream(key, in, size, mediaType);
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("path", key);
        file.put("filename", name);
        file.put("size", size);
        file.put("mime_type", mediaType);
        if (rows != null) {
            file.put("row_count", rows);
        }
        file.put("created_at", Instant.now().toString());
        if (listed) {
            execution.addFile(file);
        }
        return file;
    }

    /**
     * Opens a file named by a step's field: a file's map (its {@code path}), the path itself, or
     * the name of a file of this execution. The caller closes the stream.
     *
     * @throws StepException (type {@code file}) when the value names nothing, a path outside
     *     this execution's files, or a file that does not exist
     */
    public InputStream open(Object file, String field) throws StepException {
        String key = key(file, field);
        InputStream in = store.open(key);
        if (in == null) {
            throw new StepException("file", field + ": file " + key + " does not exist", false);
        }
        return in;
    }

    /** The size in bytes of a file of this execution (its object path, from {@link #key}). */
    public long size(String key) throws StepException {
        long size = store.size(key);
        if (size < 0) {
            throw new StepException("file", "file " + key + " does not exist", false);
        }
        return size;
    }

    /** The object path a step's {@code file} value stands for, checked to be this execution's. */
    public String key(Object file, String field) throws StepException {
        Object value = file instanceof Map<?, ?> map ? map.get("path") : file;
        if (!(value instanceof String text) || text.isBlank()) {
            throw new StepException("file", field + ": expected a file (a step's output.file, an entry of files,"
                    + " or a file name), got " + (file == null ? "null" : describe(file)), false);
        }
        if (text.indexOf('/') < 0) {
            return path(FileNames.checked(text, field));
        }
        String folder = folder();
        if (!text.startsWith(folder)) {
            throw new StepException("file", field + ": " + text + " is not a file of this execution (" + folder
                    + "…)", false);
        }
        FileNames.checked(text.substring(folder.length()), field); // no way out of the folder
        return text;
    }

    private static String describe(Object value) {
        return value instanceof Map<?, ?> ? "an object without a path" : value.getClass().getSimpleName().toLowerCase(
                java.util.Locale.ROOT) + " '" + value + "'";
    }
}
