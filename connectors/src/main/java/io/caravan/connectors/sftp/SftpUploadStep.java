package io.caravan.connectors.sftp;

import com.jcraft.jsch.SftpATTRS;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.files.FileNames;
import io.caravan.job.expression.Template;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sftp.upload}: writes files of the execution into a remote directory through camel-sftp's
 * producer, each streamed from the object store to the server as it is read (never whole in
 * memory), written under a temporary name ({@code name.part}) and renamed once complete, so whoever
 * polls the directory never takes half a file. Output {@code {uploaded: [{path, size}], count}}.
 *
 * <p>{@code to} is created when missing unless {@code createDirectories} is false; an existing file
 * of the same name is replaced unless {@code overwrite} is false. A file whose map carries
 * {@code modified_at} (as {@code sftp.download}'s do) gets that modification time on the server;
 * a server that does not allow it leaves its own time, and the upload still counts. Every file
 * and name is checked before the first byte is sent.
 */
public final class SftpUploadStep implements StepKind<SftpUploadConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(SftpUploadStep.class);

    @Override
    public String type() {
        return "sftp.upload";
    }

    @Override
    public Class<SftpUploadConfig> configType() {
        return SftpUploadConfig.class;
    }

    @Override
    public String description() {
        return "Uploads files of the execution into a remote directory (created if missing), streaming, under a"
                + " temporary name until complete.";
    }

    @Override
    public void check(SftpUploadConfig config, Problems problems) {
        RemotePaths.check(config.to(), ".to", problems);
        String filename = config.filename();
        if (filename != null && !Template.hasPlaceholder(filename)) {
            try {
                FileNames.checked(filename, "filename");
            } catch (StepException e) {
                problems.add(".filename", e.getMessage().substring("filename: ".length()));
            }
        }
    }

    /** One file to send: where it is among the execution's files, its remote name and time. */
    private record Upload(String key, String name, Instant modified) {
    }

    @Override
    public Object run(SftpUploadConfig config, StepCall call) throws Exception {
        String to = RemotePaths.checked(config.to(), "to");
        ExecutionFiles files = ExecutionFiles.of(call);
        List<Upload> uploads = uploads(config, files);
        boolean createDirectories = !Boolean.FALSE.equals(config.createDirectories());
        boolean overwrite = !Boolean.FALSE.equals(config.overwrite());
        boolean preserve = !Boolean.FALSE.equals(config.preserveTimestamps());
        List<Map<String, Object>> uploaded = new ArrayList<>();
        if (uploads.isEmpty()) {
            return output(uploaded);
        }
        try (SftpSession session = SftpSession.open(call, config.connection())) {
            directory(session, to, createDirectories);
            for (Upload upload : uploads) {
                String path = RemotePaths.join(to, upload.name());
                long size;
                try (Counting in = new Counting(files.open(upload.key(), "file"))) {
                    session.write(to, upload.name(), in, createDirectories, overwrite);
                    size = in.count;
                } catch (StepException e) {
                    throw e;
                } catch (Exception e) {
                    StepException failure = SftpErrors.classify(e, session.server(), "uploading " + path);
                    if (failure.type().equals("sftp.exists")) {
                        throw new StepException("sftp.exists", "overwrite: " + session.server() + " has a file " + path
                                + " already, and overwrite is false", false, e);
                    }
                    throw failure;
                }
                if (preserve && upload.modified() != null) {
                    try {
                        session.setModified(path, upload.modified().getEpochSecond());
                    } catch (Exception e) {
                        LOG.debug("{}: {} keeps the server's time: {}", session.server(), path, e.getMessage());
                    }
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("path", path);
                entry.put("size", size);
                uploaded.add(entry);
            }
        }
        return output(uploaded);
    }

    private static Map<String, Object> output(List<Map<String, Object>> uploaded) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("uploaded", uploaded);
        output.put("count", uploaded.size());
        return output;
    }

    /** The files to send, all checked: each a file of this execution, the names valid and distinct. */
    private static List<Upload> uploads(SftpUploadConfig config, ExecutionFiles files) throws StepException {
        if (config.file() == null) {
            throw new StepException("file", "file: no file given", false);
        }
        List<?> values = config.file() instanceof List<?> list ? list : List.of(config.file());
        if (config.filename() != null && values.size() != 1) {
            throw new StepException("config", "filename: names one file, but file is a list of " + values.size(),
                    false);
        }
        List<Upload> uploads = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String field = values == config.file() ? "file[" + i + "]" : "file";
            Object value = values.get(i);
            String key = files.key(value, field);
            String name = config.filename() != null ? FileNames.checked(config.filename(), "filename")
                    : key.substring(key.lastIndexOf('/') + 1);
            if (!names.add(name)) {
                throw new StepException("config", field + ": a second file named '" + name + "' for " + config.to(),
                        false);
            }
            uploads.add(new Upload(key, name, modified(value)));
        }
        return uploads;
    }

    /** The {@code modified_at} a file's map carries, or null. */
    private static Instant modified(Object file) {
        if (file instanceof Map<?, ?> map && map.get("modified_at") instanceof String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    /** Checks the target directory: it must be one, or be missing and allowed to be created. */
    private static void directory(SftpSession session, String to, boolean create) throws StepException {
        SftpATTRS attributes;
        try {
            attributes = session.stat(to);
        } catch (Exception e) {
            throw SftpErrors.classify(e, session.server(), "looking at " + to);
        }
        if (attributes == null && !create) {
            throw new StepException("sftp.not_found", "to: " + session.server() + " has no directory " + to
                    + " (createDirectories is false)", false);
        }
        if (attributes != null && !attributes.isDir()) {
            throw new StepException("sftp.not_found", "to: " + to + " on " + session.server()
                    + " is a file, not a directory", false);
        }
    }

    /** Counts the bytes read through it (sftp.sync counts with it too). */
    static final class Counting extends FilterInputStream {

        private long count;

        Counting(InputStream in) {
            super(in);
        }

        /** The bytes read so far. */
        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
