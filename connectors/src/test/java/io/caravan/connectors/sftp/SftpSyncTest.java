package io.caravan.connectors.sftp;

import static io.caravan.connectors.Failures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.sftp.SftpSyncConfig.Direction;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sftp.sync against a real SFTP server (Apache MINA SSHD) and a real S3 server (s3proxy): what a
 * first run copies, that a second copies nothing, that a change is noticed by size or time, what
 * delete removes, include and recursive, both directions, and what is refused.
 */
class SftpSyncTest {

    private static final Instant TIME = Instant.parse("2026-11-01T02:00:00Z");

    @TempDir
    static Path dir;
    private static TestStore store;
    private static SftpTestServer server;
    private static MinioClient s3;

    private final SftpSyncStep sync = new SftpSyncStep();
    private final TestCall call = TestCall.of(store.camel(), "mirror");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir);
        server = SftpTestServer.start();
        server.bind(store.camel(), "partner", SftpTestServer.USER, Map.of("password", SftpTestServer.PASSWORD),
                server.knownHosts());
        s3 = store.camel().getRegistry().lookupByNameAndType(ObjectStore.CLIENT_BEAN, MinioClient.class);
        for (String bucket : List.of("caravan", "mirror", "other")) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        store.camel().getRegistry().bind(ConnectionSettings.bean("archive"), ConnectionSettings.class,
                new ConnectionSettings("archive", "s3", Map.of("endpoint", store.endpoint(), "bucket", "other",
                        "accessKey", "test"), Map.of("secretKey", "test-secret")));
        store.camel().getRegistry().bind(ConnectionSettings.bean("no-bucket"), ConnectionSettings.class,
                new ConnectionSettings("no-bucket", "s3", Map.of("endpoint", store.endpoint(), "accessKey", "test"),
                        Map.of("secretKey", "test-secret")));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.close();
    }

    private static SftpSyncConfig config(Direction direction, String remote, String prefix, String include,
            Boolean recursive, Boolean delete) {
        return new SftpSyncConfig("partner", direction, remote, "mirror", prefix, null, include, recursive, delete);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(SftpSyncConfig config) throws Exception {
        return (Map<String, Object>) sync.run(config, call);
    }

    private Map<String, Object> download(String remote, String prefix, String include, Boolean recursive,
            Boolean delete) throws Exception {
        return run(config(Direction.download, remote, prefix, include, recursive, delete));
    }

    private Map<String, Object> upload(String remote, String prefix, String include, Boolean recursive,
            Boolean delete) throws Exception {
        return run(config(Direction.upload, remote, prefix, include, recursive, delete));
    }

    /** Writes a file on the server, with a modification time. */
    private static Path remote(String path, String content, Instant modified) throws IOException {
        Path file = server.files().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    /** Writes an object as any other S3 client would: no mtime metadata, or the one given. */
    private static void object(String key, String content, Map<String, String> metadata) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        s3.putObject(PutObjectArgs.builder().bucket("mirror").object(key).userMetadata(metadata)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }

    private static String content(String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket("mirror").object(key).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String mtime(String key) throws Exception {
        return s3.statObject(StatObjectArgs.builder().bucket("mirror").object(key).build()).headers()
                .get("x-amz-meta-mtime");
    }

    private static List<String> keys(String bucket, String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                .recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return (List<Map<String, Object>>) value;
    }

    @Test
    void aDownloadCopiesEverythingOnceThenNothingThenOnlyWhatChanged() throws Exception {
        remote("dl/a.csv", "a,1", TIME);
        remote("dl/b.csv", "b,22", TIME.plusSeconds(60));
        remote("dl/empty.txt", "", TIME);

        Map<String, Object> first = download("/dl/", "partner/in", null, null, null);

        assertThat(first).containsEntry("copiedCount", 3).containsEntry("skipped", 0).containsEntry("bytes", 7L)
                .containsEntry("deleted", List.of()).containsEntry("deletedCount", 0).containsEntry("truncated", false);
        assertThat(maps(first.get("copied"))).containsExactly(
                Map.of("path", "/dl/a.csv", "key", "partner/in/a.csv", "size", 3L),
                Map.of("path", "/dl/b.csv", "key", "partner/in/b.csv", "size", 4L),
                Map.of("path", "/dl/empty.txt", "key", "partner/in/empty.txt", "size", 0L));
        assertThat(content("partner/in/b.csv")).isEqualTo("b,22");
        assertThat(mtime("partner/in/b.csv")).isEqualTo(Long.toString(TIME.plusSeconds(60).getEpochSecond()));

        Map<String, Object> second = download("/dl", "partner/in/", null, null, null);

        assertThat(second).containsEntry("copiedCount", 0).containsEntry("skipped", 3).containsEntry("bytes", 0L)
                .containsEntry("copied", List.of());

        remote("dl/b.csv", "b,333", TIME.plusSeconds(120));
        remote("dl/a.csv", "a,1", TIME.plusSeconds(5)); // same size, another time
        Map<String, Object> third = download("/dl", "partner/in", null, null, null);

        assertThat(maps(third.get("copied"))).extracting(c -> c.get("key"))
                .containsExactly("partner/in/a.csv", "partner/in/b.csv");
        assertThat(third).containsEntry("skipped", 1);
        assertThat(content("partner/in/b.csv")).isEqualTo("b,333");
        assertThat(mtime("partner/in/a.csv")).isEqualTo(Long.toString(TIME.plusSeconds(5).getEpochSecond()));

        object("partner/in/empty.txt", "", Map.of()); // written by another client: no mtime, so different
        Map<String, Object> fourth = download("/dl", "partner/in", null, null, null);

        assertThat(maps(fourth.get("copied"))).extracting(c -> c.get("key")).containsExactly("partner/in/empty.txt");
        assertThat(mtime("partner/in/empty.txt")).isEqualTo(Long.toString(TIME.getEpochSecond()));
    }

    @Test
    void deleteRemovesTheObjectsWhoseFileIsGoneAmongThoseIncludeSelectsOnlyWhenAsked() throws Exception {
        remote("del/keep.csv", "k", TIME);
        Path gone = remote("del/gone.csv", "g", TIME);
        download("/del", "del", null, null, null);
        object("del/notes.txt", "not a csv", Map.of());
        Files.delete(gone);

        Map<String, Object> kept = download("/del", "del", "*.csv", null, false);

        assertThat(kept).containsEntry("deleted", List.of()).containsEntry("skipped", 1);
        assertThat(keys("mirror", "del/")).containsExactly("del/gone.csv", "del/keep.csv", "del/notes.txt");

        Map<String, Object> deleted = download("/del", "del", "*.csv", null, true);

        assertThat(deleted).containsEntry("deleted", List.of("del/gone.csv")).containsEntry("deletedCount", 1)
                .containsEntry("copiedCount", 0);
        assertThat(keys("mirror", "del/")).containsExactly("del/keep.csv", "del/notes.txt");
    }

    @Test
    void includeAndRecursivePickTheFilesAndKeysKeepTheirPathUnderThePrefix() throws Exception {
        remote("tree/a.log", "a", TIME);
        remote("tree/b.txt", "b", TIME);
        remote("tree/2026/x.log", "x", TIME);
        remote("tree/2026/deep/y.log", "y", TIME);

        download("/tree", "flat", "*.log", null, null);
        download("/tree", "deep", "*.log", true, null);
        download("/tree", "by-path", "2026/*.log", true, null);
        Map<String, Object> viaConnection = run(new SftpSyncConfig("partner", Direction.download, "/tree", null,
                "all", "archive", null, true, null));

        assertThat(keys("mirror", "flat/")).containsExactly("flat/a.log");
        assertThat(keys("mirror", "deep/")).containsExactly("deep/2026/deep/y.log", "deep/2026/x.log", "deep/a.log");
        assertThat(keys("mirror", "by-path/")).containsExactly("by-path/2026/x.log");
        assertThat(viaConnection).containsEntry("copiedCount", 4);
        assertThat(keys("other", "all/")).containsExactly("all/2026/deep/y.log", "all/2026/x.log", "all/a.log",
                "all/b.txt");
    }

    @Test
    void anUploadMirrorsObjectsWithTheirTimesCopiesNothingTheSecondTimeAndDeletesRemoteExtras() throws Exception {
        object("up/r1.csv", "one", Map.of());
        object("up/sub/r2.csv", "two!", Map.of(SftpSyncStep.MTIME, "1735787045.5")); // as rclone writes it
        object("up/skip.tmp", "tmp", Map.of());
        remote("upload/old.csv", "old", TIME);
        remote("upload/other.txt", "not selected", TIME);
        Instant r1Modified = s3.statObject(StatObjectArgs.builder().bucket("mirror").object("up/r1.csv").build())
                .lastModified().toInstant();

        Map<String, Object> first = upload("/upload", "up", "*.csv", true, true);

        assertThat(maps(first.get("copied"))).containsExactly(
                Map.of("path", "/upload/r1.csv", "key", "up/r1.csv", "size", 3L),
                Map.of("path", "/upload/sub/r2.csv", "key", "up/sub/r2.csv", "size", 4L));
        assertThat(first).containsEntry("deleted", List.of("/upload/old.csv")).containsEntry("bytes", 7L);
        assertThat(server.names("upload")).containsExactly("other.txt", "r1.csv", "sub");
        assertThat(server.names("upload/sub")).containsExactly("r2.csv");
        Path r2 = server.files().resolve("upload/sub/r2.csv");
        assertThat(r2).hasContent("two!");
        assertThat(Files.getLastModifiedTime(r2).toInstant()).isEqualTo(Instant.ofEpochSecond(1735787045));
        assertThat(Files.getLastModifiedTime(server.files().resolve("upload/r1.csv")).toInstant().getEpochSecond())
                .isEqualTo(r1Modified.getEpochSecond());

        Map<String, Object> second = upload("/upload", "up", "*.csv", true, true);

        assertThat(second).containsEntry("copiedCount", 0).containsEntry("skipped", 2).containsEntry("deletedCount", 0);

        object("up/sub/r2.csv", "two, changed", Map.of(SftpSyncStep.MTIME, "1735787099"));
        Map<String, Object> third = upload("/upload/", "up/", "*.csv", true, false);

        assertThat(maps(third.get("copied"))).extracting(c -> c.get("path")).containsExactly("/upload/sub/r2.csv");
        assertThat(r2).hasContent("two, changed");
        assertThat(server.files().resolve("upload")).isDirectoryRecursivelyContaining("glob:**r2.csv")
                .isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void anUploadWithoutRecursiveTakesTheTopLevelAndDeletesOnlyThere() throws Exception {
        object("top/a.txt", "a", Map.of());
        object("top/nested/b.txt", "b", Map.of());
        remote("top-remote/stale.txt", "s", TIME);
        remote("top-remote/nested/keep.txt", "k", TIME);

        Map<String, Object> result = upload("/top-remote", "top", null, null, true);

        assertThat(maps(result.get("copied"))).extracting(c -> c.get("key")).containsExactly("top/a.txt");
        assertThat(result).containsEntry("deleted", List.of("/top-remote/stale.txt"));
        assertThat(server.names("top-remote")).containsExactly("a.txt", "nested");
        assertThat(server.names("top-remote/nested")).containsExactly("keep.txt");
    }

    @Test
    void aKeyThatIsNoPlainRemotePathFailsTheUploadBeforeAnythingIsSent() throws Exception {
        object("odd/fine.txt", "f", Map.of());
        object("odd/win\\..\\escape.txt", "e", Map.of());
        Files.createDirectories(server.files().resolve("odd-remote"));

        StepException refused = failure(() -> upload("/odd-remote", "odd", null, true, null));

        assertThat(refused.type()).isEqualTo("file");
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.getMessage()).contains("odd/win\\..\\escape.txt");
        assertThat(server.names("odd-remote")).isEmpty();
    }

    @Test
    void pathsThatClimbOutAndBadPrefixesAreRefusedAtSaveTimeAndWhenRun() throws Exception {
        StepException remote = failure(() -> download("/dl/../../etc", "x", null, null, null));
        StepException climbs = failure(() -> download("/dl", "a/../../b", null, null, null));
        StepException absolute = failure(() -> upload("/dl", "/abs", null, null, null));

        assertThat(remote.type()).isEqualTo("sftp.path");
        assertThat(remote.getMessage()).startsWith("remote: ").contains("'..' is not allowed");
        assertThat(climbs.getMessage()).startsWith("prefix: ").contains("'..'");
        assertThat(absolute.getMessage()).startsWith("prefix: ").contains("does not start with '/'");
        assertThat(List.of(remote, climbs, absolute)).noneMatch(StepException::retryable);

        Problems problems = new Problems();
        sync.check(config(Direction.upload, "/in/../out", "../up", null, null, null), problems);
        sync.check(config(Direction.download, "{{ params.dir }}", "{{ params.prefix }}", null, null, null), problems);
        sync.check(config(Direction.download, "/in", "/in", null, null, null), problems);
        assertThat(problems.list()).extracting(p -> p.path()).containsExactly("$.remote", "$.prefix", "$.prefix");
    }

    @Test
    void caravansOwnBucketAMissingBucketAndAMissingDirectoryAreRefused() throws Exception {
        Files.createDirectories(server.files().resolve("exists"));

        StepException own = failure(() -> run(new SftpSyncConfig("partner", Direction.download, "/exists", "caravan",
                null, null, null, null, null)));
        StepException noBucket = failure(() -> run(new SftpSyncConfig("partner", Direction.download, "/exists", null,
                null, "no-bucket", null, null, null)));
        StepException missing = failure(() -> download("/not/there", "x", null, null, null));
        remote("plain/file.csv", "a", TIME);
        StepException notADirectory = failure(() -> upload("/plain/file.csv", "x", null, null, null));

        assertThat(own.type()).isEqualTo("s3.forbidden");
        assertThat(noBucket.getMessage()).startsWith("bucket: ").contains("'no-bucket'");
        assertThat(missing.type()).isEqualTo("sftp.not_found");
        assertThat(missing.retryable()).isFalse();
        assertThat(missing.getMessage()).startsWith("remote: ").contains("/not/there");
        assertThat(notADirectory.type()).isEqualTo("sftp.not_found");
        assertThat(notADirectory.getMessage()).contains("is a file");
    }

    @Test
    void theOutputListsAtMostAThousandOfEachWhileTheCountsStayExact() {
        SftpSyncStep.Outcome outcome = new SftpSyncStep.Outcome();
        for (int i = 0; i < 1001; i++) {
            outcome.copied("/r/" + i, "k/" + i, 2);
        }
        outcome.deleted("k/gone");
        Map<String, Object> output = outcome.toMap();

        assertThat(maps(output.get("copied"))).hasSize(SftpSyncStep.LISTED).last()
                .isEqualTo(Map.of("path", "/r/999", "key", "k/999", "size", 2L));
        assertThat(output).containsEntry("copiedCount", 1001).containsEntry("bytes", 2002L)
                .containsEntry("deleted", List.of("k/gone")).containsEntry("deletedCount", 1)
                .containsEntry("truncated", true);
        assertThat(new SftpSyncStep.Outcome().toMap()).containsEntry("truncated", false);
    }

    @Test
    void mtimeMetadataIsReadInWholeOrFractionalSecondsAndAnythingElseCountsAsNone() {
        assertThat(SftpSyncStep.seconds("1735787045")).isEqualTo(1735787045L);
        assertThat(SftpSyncStep.seconds(" 1735787045.999999999 ")).isEqualTo(1735787045L);
        assertThat(SftpSyncStep.seconds("yesterday")).isNull();
        assertThat(SftpSyncStep.seconds("")).isNull();
        assertThat(SftpSyncStep.seconds("1e400")).isNull();
    }

    @Test
    void aWrongPasswordFailsWithoutRetryAndWithoutShowingIt() throws Exception {
        server.bind(store.camel(), "wrong-password", SftpTestServer.USER, Map.of("password", "guess-42"),
                server.knownHosts());

        StepException refused = failure(() -> run(new SftpSyncConfig("wrong-password", Direction.download, "/",
                "mirror", "x", null, null, null, null)));

        assertThat(refused.type()).isEqualTo("sftp.auth");
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.getMessage()).contains("'wrong-password'").doesNotContain("guess-42");
    }
}
