package io.caravan.connectors.sftp;

import com.jcraft.jsch.SftpATTRS;
import io.caravan.connectors.files.FileNames;
import io.caravan.connectors.s3.S3Errors;
import io.caravan.connectors.s3.S3Target;
import io.caravan.job.expression.Template;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sftp.sync}: mirrors one remote directory and one S3 prefix, one way per step —
 * {@code download} (remote to S3) or {@code upload} (S3 to remote) — copying only what the target
 * lacks or holds otherwise, and with {@code delete} removing what the source no longer has.
 *
 * <p>There is no sync state besides the target itself: a file is copied when the target has none
 * at its path, or one of another size or modification time. A download writes each object with
 * user metadata {@code mtime} (the remote file's modification time in epoch seconds, as rclone
 * writes it) and compares with that; an object without it counts as different. An upload compares
 * the remote file's time with the object's {@code mtime} if it has one, else its last-modified,
 * and gives the remote file that time once written. So a run after a crash copies only what is
 * still missing, and a run with nothing changed copies nothing.
 *
 * <p>Bytes stream both ways: remote to S3 through a local spool file (the put needs the length),
 * deleted when the object is written; S3 to remote straight into camel-sftp's producer, under
 * {@code name.part} until complete, as {@code sftp.upload} writes. Every key is checked as a
 * remote path before the first byte is sent. Deletes come after all copies, so a failure never
 * leaves the target without a file the source has. Output
 * {@code {copied: [{path, key, size}], copiedCount, skipped, deleted, deletedCount, bytes, truncated}}.
 */
public final class SftpSyncStep implements StepKind<SftpSyncConfig> {

    /** The user metadata (x-amz-meta-mtime) a download gives each object: the remote mtime, epoch seconds. */
    static final String MTIME = "mtime";
    /** At most this many entries in each output list; the counts stay exact. */
    static final int LISTED = 1000;

    private static final String MTIME_HEADER = "x-amz-meta-" + MTIME;
    private static final int BUFFER = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(SftpSyncStep.class);

    @Override
    public String type() {
        return "sftp.sync";
    }

    @Override
    public Class<SftpSyncConfig> configType() {
        return SftpSyncConfig.class;
    }

    @Override
    public String description() {
        return "Mirrors a remote directory and an S3 prefix one way (download or upload), copying only new or"
                + " changed files, streaming; optionally deletes what the source no longer has.";
    }

    @Override
    public void check(SftpSyncConfig config, Problems problems) {
        RemotePaths.check(config.remote(), ".remote", problems);
        S3Target.check(config.bucket(), ".bucket", problems);
        String prefix = config.prefix();
        if (prefix != null && !Template.hasPlaceholder(prefix) && prefixProblem(prefix) != null) {
            problems.add(".prefix", prefixProblem(prefix));
        }
    }

    @Override
    public Object run(SftpSyncConfig config, StepCall call) throws Exception {
        String remote = RemotePaths.checked(config.remote(), "remote");
        String prefix = prefix(config.prefix());
        if (config.direction() == null) {
            throw new StepException("config", "direction: give download (remote to S3) or upload (S3 to remote)",
                    false);
        }
        S3Target target = S3Target.of(call, config.s3Connection(), config.bucket());
        if (target.bucket() == null || target.bucket().isBlank()) {
            throw new StepException("config", "bucket: give the bucket to use (s3 connection '"
                    + config.s3Connection() + "' names none)", false);
        }
        String include = config.include() == null || config.include().isEmpty() ? null : config.include();
        boolean recursive = Boolean.TRUE.equals(config.recursive());
        boolean delete = Boolean.TRUE.equals(config.delete());
        try (SftpSession session = SftpSession.open(call, config.connection())) {
            Sync sync = new Sync(call, session, remote, target, prefix);
            Map<String, RemoteTree.Entry> files = sync.files(include, recursive);
            Map<String, Stored> objects = sync.objects(include, recursive);
            if (config.direction() == SftpSyncConfig.Direction.download) {
                sync.download(files, objects, delete);
            } else {
                sync.upload(objects, files, delete);
            }
            return sync.outcome.toMap();
        }
    }

    /** The prefix as keys start with it: checked, and ending with {@code /} unless empty. */
    static String prefix(String prefix) throws StepException {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String problem = prefixProblem(prefix);
        if (problem != null) {
            throw new StepException("config", "prefix: " + problem, false);
        }
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** What is wrong with a prefix, or null. */
    private static String prefixProblem(String prefix) {
        if (prefix.startsWith("/")) {
            return "a key prefix does not start with '/' ('" + prefix + "'): write 'inbox/' for /inbox";
        }
        for (String segment : prefix.split("[/\\\\]")) {
            if (segment.equals("..")) {
                return "'..' is not allowed in a key prefix ('" + prefix + "')";
            }
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.isISOControl(prefix.charAt(i))) {
                return "a control character at " + i + " in the key prefix";
            }
        }
        return null;
    }

    /** An object under the prefix, as the listing gives it. */
    private record Stored(String key, long size, Instant modified) {
    }

    /** One run: the session, the bucket, and what was done so far. */
    private static final class Sync {

        private final StepCall call;
        private final SftpSession session;
        private final String remote;
        private final S3Target target;
        private final String prefix;
        private final Outcome outcome = new Outcome();

        Sync(StepCall call, SftpSession session, String remote, S3Target target, String prefix) {
            this.call = call;
            this.session = session;
            this.remote = remote;
            this.target = target;
            this.prefix = prefix;
        }

        /** The remote files include selects, by path under {@code remote}; the directory must exist. */
        Map<String, RemoteTree.Entry> files(String include, boolean recursive) throws StepException {
            try {
                SftpATTRS attributes = session.stat(remote);
                if (attributes == null) {
                    throw new StepException("sftp.not_found", "remote: " + session.server() + " has no directory "
                            + remote, false);
                }
                if (!attributes.isDir()) {
                    throw new StepException("sftp.not_found", "remote: " + remote + " on " + session.server()
                            + " is a file, not a directory", false);
                }
                Map<String, RemoteTree.Entry> files = new TreeMap<>();
                for (RemoteTree.Entry entry : RemoteTree.walk(session, remote, include, recursive, true)) {
                    files.put(entry.relative(), entry);
                }
                return files;
            } catch (Exception e) {
                throw SftpErrors.classify(e, session.server(), "listing " + remote);
            }
        }

        /** The objects include selects, by key under {@code prefix}. */
        Map<String, Stored> objects(String include, boolean recursive) throws StepException {
            // camel-minio's producer ignores prefix and recursive unless the request is given whole
            ListObjectsArgs.Builder request = ListObjectsArgs.builder().bucket(target.bucket()).prefix(prefix)
                    .recursive(recursive);
            Exchange result = target.send(call, "listObjects", "&pojoRequest=true", null,
                    exchange -> exchange.getMessage().setBody(request));
            Map<String, Stored> objects = new TreeMap<>();
            try {
                for (Object each : result.getMessage().getBody(Iterable.class)) {
                    Item item = (Item) ((Result<?>) each).get();
                    String relative = item.objectName().substring(prefix.length());
                    // common prefixes and folder markers ("dir/") hold no file
                    if (!item.isDir() && !relative.isEmpty() && !relative.endsWith("/")
                            && RemoteTree.matches(include, relative)) {
                        objects.put(relative, new Stored(item.objectName(), item.size(),
                                item.lastModified().toInstant()));
                    }
                }
            } catch (Exception e) {
                throw S3Errors.classify(e, "listObjects", target.bucket(), prefix);
            }
            return objects;
        }

        /** Remote to S3: copies new and changed files, then deletes objects whose file is gone. */
        void download(Map<String, RemoteTree.Entry> files, Map<String, Stored> objects, boolean delete)
                throws Exception {
            for (RemoteTree.Entry file : files.values()) {
                Stored object = objects.get(file.relative());
                long mtime = file.modified().getEpochSecond();
                if (object != null && object.size() == file.size() && Objects.equals(storedTime(object), mtime)) {
                    outcome.skipped++;
                    continue;
                }
                String key = prefix + file.relative();
                outcome.copied(file.path(), key, copyDown(file, key));
            }
            if (delete) {
                for (Map.Entry<String, Stored> each : objects.entrySet()) {
                    if (!files.containsKey(each.getKey())) {
                        target.send(call, "deleteObject", each.getValue().key(), exchange -> { });
                        outcome.deleted(each.getValue().key());
                    }
                }
            }
        }

        /** Streams a remote file into a spool file, then puts it whole with its mtime; the bytes copied. */
        private long copyDown(RemoteTree.Entry file, String key) throws Exception {
            Path spool = Files.createTempFile("caravan-sync-", ".part");
            try {
                long size;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), BUFFER)) {
                    size = session.read(file.path(), out);
                } catch (Exception e) {
                    throw SftpErrors.classify(e, session.server(), "downloading " + file.path());
                }
                try (InputStream in = Files.newInputStream(spool)) {
                    PutObjectArgs.Builder put = PutObjectArgs.builder().bucket(target.bucket()).object(key)
                            .stream(in, size, -1).contentType(FileNames.mediaType(file.name()))
                            .userMetadata(Map.of(MTIME, Long.toString(file.modified().getEpochSecond())));
                    // given whole, so the user metadata goes along (camel-minio's headers set none)
                    target.send(call, "putObject", "&pojoRequest=true", key, exchange -> exchange.getMessage()
                            .setBody(put));
                }
                return size;
            } finally {
                Files.deleteIfExists(spool);
            }
        }

        /** S3 to remote: checks every key, copies new and changed objects, then deletes files whose object is gone. */
        void upload(Map<String, Stored> objects, Map<String, RemoteTree.Entry> files, boolean delete) throws Exception {
            for (Map.Entry<String, Stored> each : objects.entrySet()) {
                checkRemoteName(each.getKey(), each.getValue().key());
            }
            for (Map.Entry<String, Stored> each : objects.entrySet()) {
                Stored object = each.getValue();
                RemoteTree.Entry file = files.get(each.getKey());
                if (file != null && file.size() == object.size()
                        && file.modified().getEpochSecond() == objectTime(object)) {
                    outcome.skipped++;
                    continue;
                }
                String path = RemotePaths.join(remote, each.getKey());
                outcome.copied(path, object.key(), copyUp(object, each.getKey(), path));
            }
            if (delete) {
                for (RemoteTree.Entry file : files.values()) {
                    if (!objects.containsKey(file.relative())) {
                        try {
                            session.delete(file.path());
                        } catch (Exception e) {
                            throw SftpErrors.classify(e, session.server(), "deleting " + file.path());
                        }
                        outcome.deleted(file.path());
                    }
                }
            }
        }

        /** A key's path under the prefix becomes a remote path: each segment must be a plain file name. */
        private static void checkRemoteName(String relative, String key) throws StepException {
            for (String segment : relative.split("/", -1)) {
                FileNames.checked(segment, "prefix (object " + key + ")");
            }
        }

        /** Streams an object into the remote file and gives it the object's time; the bytes copied. */
        private long copyUp(Stored object, String relative, String path) throws Exception {
            Exchange got = target.send(call, "getObject", object.key(), exchange -> { });
            long mtime = object.modified().getEpochSecond();
            long size;
            try (InputStream body = got.getMessage().getBody(InputStream.class);
                    SftpUploadStep.Counting in = new SftpUploadStep.Counting(body)) {
                Long stored = body instanceof GetObjectResponse response ? seconds(response.headers()
                        .get(MTIME_HEADER)) : null;
                mtime = stored != null ? stored : mtime;
                session.write(remote, relative, in, true, true);
                size = in.count();
            } catch (Exception e) {
                throw SftpErrors.classify(e, session.server(), "uploading " + path + " from " + object.key());
            }
            try {
                session.setModified(path, mtime);
            } catch (Exception e) {
                // the copy stands; the next run sees another time and copies it again
                LOG.warn("{}: {} keeps the server's time: {}", session.server(), path, e.getMessage());
            }
            return size;
        }

        /** An object's time as a download wrote it (its mtime metadata), or null. */
        private Long storedTime(Stored object) throws StepException {
            // camel-minio has no statObject operation: the registry's client asks (a HEAD request)
            MinioClient client = call.camel().getRegistry().lookupByNameAndType(target.clientBean(),
                    MinioClient.class);
            try {
                return seconds(client.statObject(StatObjectArgs.builder().bucket(target.bucket())
                        .object(object.key()).build()).headers().get(MTIME_HEADER));
            } catch (Exception e) {
                throw S3Errors.classify(e, "statObject", target.bucket(), object.key());
            }
        }

        /** An object's time for an upload: its mtime metadata, else its last-modified. */
        private long objectTime(Stored object) throws StepException {
            Long stored = storedTime(object);
            return stored != null ? stored : object.modified().getEpochSecond();
        }
    }

    /** Epoch seconds from an mtime value (whole or with a fraction, as rclone writes it), or null. */
    static Long seconds(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(value.trim()).setScale(0, RoundingMode.FLOOR).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** What a run did: the lists capped at {@link #LISTED}, the counts exact. */
    static final class Outcome {

        private final List<Map<String, Object>> copied = new ArrayList<>();
        private final List<String> deleted = new ArrayList<>();
        private int copiedCount;
        private int deletedCount;
        private int skipped;
        private long bytes;
        private boolean truncated;

        void copied(String path, String key, long size) {
            copiedCount++;
            bytes += size;
            if (copied.size() < LISTED) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("path", path);
                entry.put("key", key);
                entry.put("size", size);
                copied.add(entry);
            } else {
                truncated = true;
            }
        }

        void deleted(String pathOrKey) {
            deletedCount++;
            if (deleted.size() < LISTED) {
                deleted.add(pathOrKey);
            } else {
                truncated = true;
            }
        }

        Map<String, Object> toMap() {
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("copied", copied);
            output.put("copiedCount", copiedCount);
            output.put("skipped", skipped);
            output.put("deleted", deleted);
            output.put("deletedCount", deletedCount);
            output.put("bytes", bytes);
            output.put("truncated", truncated);
            return output;
        }
    }
}
