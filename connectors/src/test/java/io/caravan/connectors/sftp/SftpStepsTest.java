package io.caravan.connectors.sftp;

import static io.caravan.connectors.Failures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sftp.download, sftp.upload, sftp.list and sftp.delete against a real SFTP server in this JVM
 * (Apache MINA SSHD, a password user and a key user) and a real S3 server (s3proxy): a 20 MB round
 * trip compared by SHA-256, wildcards and recursion, directories, timestamps, strict host keys,
 * refused logins, path traversal, and a server that goes away.
 */
class SftpStepsTest {

    private static final int MB = 1024 * 1024;

    @TempDir
    static Path dir;
    private static TestStore store;
    private static SftpTestServer server;

    private final SftpDownloadStep download = new SftpDownloadStep();
    private final SftpUploadStep upload = new SftpUploadStep();
    private final SftpListStep list = new SftpListStep();
    private final SftpDeleteStep delete = new SftpDeleteStep();
    private final TestCall call = TestCall.of(store.camel(), "step");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir);
        server = SftpTestServer.start();
        server.bind(store.camel(), "partner", SftpTestServer.USER, Map.of("password", SftpTestServer.PASSWORD),
                server.knownHosts());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> download(String connection, String from, String include, Boolean recursive)
            throws Exception {
        return (Map<String, Object>) download.run(new SftpDownloadConfig(connection, from, include, recursive), call);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> upload(Object file, String to, String filename, Boolean createDirectories,
            Boolean overwrite) throws Exception {
        return (Map<String, Object>) upload.run(new SftpUploadConfig("partner", file, to, filename, createDirectories,
                overwrite, null), call);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> list(String connection, String directory, String include, Boolean recursive)
            throws Exception {
        return (Map<String, Object>) list.run(new SftpListConfig(connection, directory, include, recursive), call);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> delete(SftpDeleteConfig config) throws Exception {
        return (Map<String, Object>) delete.run(config, call);
    }

    /** Writes a file on the server, with a modification time. */
    private static Path remote(String path, String content, Instant modified) throws IOException {
        Path file = server.files().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private Map<String, Object> put(String name, String content) throws Exception {
        return ExecutionFiles.of(call).write(name, "file", out -> {
            out.write(content.getBytes(StandardCharsets.UTF_8));
            return null;
        });
    }

    private String read(Object file) throws Exception {
        try (InputStream in = ExecutionFiles.of(call).open(file, "file")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return (List<Map<String, Object>>) value;
    }

    /** SHA-256 of a stream, read to its end in small buffers and closed. */
    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream digesting = new DigestInputStream(in, digest)) {
            digesting.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Test
    void aTwentyMegabyteFileGoesUpAndComesBackTheSameStreamedBothWays() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(42);
        Map<String, Object> original = ExecutionFiles.of(call).write("big.bin", "file", out -> {
            byte[] chunk = new byte[64 * 1024];
            for (int written = 0; written < 20 * MB; written += chunk.length) {
                random.nextBytes(chunk);
                digest.update(chunk);
                out.write(chunk);
            }
            return null;
        });
        String sha = HexFormat.of().formatHex(digest.digest());

        Map<String, Object> sent = upload(original, "/round/trip/", null, null, null);

        assertThat(sent).containsEntry("count", 1);
        assertThat(maps(sent.get("uploaded"))).containsExactly(Map.of("path", "/round/trip/big.bin", "size",
                (long) 20 * MB));
        Path onServer = server.files().resolve("round/trip/big.bin");
        assertThat(sha256(Files.newInputStream(onServer))).isEqualTo(sha);
        assertThat(server.files().resolve("round/trip")).isDirectoryNotContaining("glob:**.part");

        Files.setLastModifiedTime(onServer, FileTime.from(Instant.parse("2026-11-20T08:30:00Z")));

        Map<String, Object> back = download("partner", "/round/trip/big.bin", null, null);

        assertThat(back).containsEntry("count", 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> file = (Map<String, Object>) back.get("file");
        assertThat(file).containsEntry("filename", "big.bin").containsEntry("size", (long) 20 * MB)
                .containsEntry("modified_at", "2026-11-20T08:30:00Z")
                .containsEntry("remote_path", "/round/trip/big.bin");
        assertThat(maps(back.get("files"))).containsExactly(file);
        assertThat(sha256(ExecutionFiles.of(call).open(file, "file"))).isEqualTo(sha);
        assertThat(maps(call.execution().scope().get("files"))).anySatisfy(listed ->
                assertThat(listed).containsEntry("path", file.get("path")).containsEntry("modified_at",
                        "2026-11-20T08:30:00Z"));
    }

    @Test
    void wildcardsPickNamesAndRecursiveTakesSubDirectoriesFlattened() throws Exception {
        Instant time = Instant.parse("2026-11-01T02:00:00Z");
        remote("logs/a.log", "a", time);
        remote("logs/b.txt", "b", time);
        remote("logs/2026-11-01/run.log", "run 1", time);
        remote("logs/2026-11-02/run.log", "run 2", time.plusSeconds(86_400));
        remote("logs/2026-11-02/deep/x.log", "x", time);

        Map<String, Object> flat = download("partner", "/logs/", "*.log", null);
        Map<String, Object> deep = download("partner", "/logs", "*.log", true);
        Map<String, Object> byPath = download("partner", "/logs", "2026-11-0?/*.log", true);
        Map<String, Object> everything = download("partner", "/logs", null, null);

        assertThat(maps(flat.get("files"))).extracting(f -> f.get("filename")).containsExactly("a.log");
        assertThat(read(flat.get("file"))).isEqualTo("a");
        assertThat(maps(deep.get("files"))).extracting(f -> f.get("filename"))
                .containsExactly("2026-11-01_run.log", "2026-11-02_deep_x.log", "2026-11-02_run.log", "a.log");
        assertThat(deep).containsEntry("count", 4).doesNotContainKey("file");
        assertThat(maps(deep.get("files")).get(2)).containsEntry("remote_path", "/logs/2026-11-02/run.log")
                .containsEntry("modified_at", "2026-11-02T02:00:00Z").containsEntry("size", 5L);
        assertThat(read(maps(deep.get("files")).get(2))).isEqualTo("run 2");
        assertThat(maps(byPath.get("files"))).extracting(f -> f.get("filename"))
                .containsExactly("2026-11-01_run.log", "2026-11-02_run.log");
        assertThat(maps(everything.get("files"))).extracting(f -> f.get("filename")).containsExactly("a.log", "b.txt");
    }

    @Test
    void aDirectoryWithNothingToTakeGivesNoFilesAndAMissingOneIsNotFound() throws Exception {
        Files.createDirectories(server.files().resolve("empty"));

        assertThat(download("partner", "/empty", "*.csv", true)).containsEntry("count", 0)
                .containsEntry("files", List.of());
        StepException missing = failure(() -> download("partner", "/no/such/dir/", null, null));
        assertThat(missing.type()).isEqualTo("sftp.not_found");
        assertThat(missing.retryable()).isFalse();
        assertThat(missing.getMessage()).startsWith("from: ").contains("/no/such/dir");
    }

    @Test
    void twoRemoteFilesThatWouldShareANameFailBeforeAnyIsCopied() throws Exception {
        Instant time = Instant.parse("2026-11-01T02:00:00Z");
        remote("clash/a_b.log", "1", time);
        remote("clash/a/b.log", "2", time);

        StepException clash = failure(() -> download("partner", "/clash", "*.log", true));

        assertThat(clash.type()).isEqualTo("sftp.name");
        assertThat(clash.getMessage()).contains("/clash/a/b.log", "/clash/a_b.log", "'a_b.log'");
    }

    @Test
    void listShowsPathNameSizeTimeAndDirectoriesFilteredAndRecursive() throws Exception {
        Instant time = Instant.parse("2026-10-31T23:59:58Z");
        remote("listing/orders-1.csv", "12345", time);
        remote("listing/orders-2.csv", "1", time);
        remote("listing/readme.txt", "r", time);
        remote("listing/archive/orders-0.csv", "old", time);

        Map<String, Object> top = list("partner", "/listing", null, null);
        Map<String, Object> csv = list("partner", "/listing/", "orders-*.csv", true);

        assertThat(top).containsEntry("count", 4);
        assertThat(maps(top.get("entries"))).extracting(e -> e.get("name"))
                .containsExactly("archive", "orders-1.csv", "orders-2.csv", "readme.txt");
        assertThat(maps(top.get("entries")).get(0)).containsEntry("directory", true).containsEntry("path",
                "/listing/archive");
        assertThat(maps(top.get("entries")).get(1)).isEqualTo(Map.of("path", "/listing/orders-1.csv", "name",
                "orders-1.csv", "size", 5L, "modified_at", "2026-10-31T23:59:58Z", "directory", false));
        assertThat(maps(csv.get("entries"))).extracting(e -> e.get("path"))
                .containsExactly("/listing/archive/orders-0.csv", "/listing/orders-1.csv", "/listing/orders-2.csv");
        StepException file = failure(() -> list("partner", "/listing/readme.txt", null, null));
        assertThat(file.type()).isEqualTo("sftp.not_found");
        assertThat(file.getMessage()).startsWith("directory: ").contains("it is a file");
    }

    @Test
    void uploadCreatesDirectoriesUnlessToldNotToAndKeepsTheDownloadedTime() throws Exception {
        remote("stamped/report.csv", "a;b", Instant.parse("2025-01-02T03:04:05Z"));
        Map<String, Object> taken = download("partner", "/stamped/report.csv", null, null);

        Map<String, Object> sent = upload(taken.get("file"), "/out/2026/11", "renamed.csv", null, null);

        Path copy = server.files().resolve("out/2026/11/renamed.csv");
        assertThat(copy).hasContent("a;b");
        assertThat(Files.getLastModifiedTime(copy).toInstant()).isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
        assertThat(maps(sent.get("uploaded"))).containsExactly(Map.of("path", "/out/2026/11/renamed.csv", "size", 3L));

        StepException missing = failure(() -> upload(taken.get("file"), "/not/there", null, false, null));
        assertThat(missing.type()).isEqualTo("sftp.not_found");
        assertThat(missing.getMessage()).startsWith("to: ").contains("/not/there", "createDirectories is false");
        assertThat(server.files().resolve("not")).doesNotExist();
    }

    @Test
    void uploadTakesAListByNamesAndRefusesToOverwriteWhenAsked() throws Exception {
        Map<String, Object> one = put("one.txt", "1");
        put("two.txt", "22");

        Map<String, Object> sent = upload(List.of(one, "two.txt"), "/outbox/", null, null, null);

        assertThat(sent).containsEntry("count", 2);
        assertThat(maps(sent.get("uploaded"))).extracting(u -> u.get("path"))
                .containsExactly("/outbox/one.txt", "/outbox/two.txt");
        assertThat(server.files().resolve("outbox/two.txt")).hasContent("22");

        put("two.txt", "changed");
        StepException exists = failure(() -> upload("two.txt", "/outbox", null, null, false));
        assertThat(exists.type()).isEqualTo("sftp.exists");
        assertThat(server.files().resolve("outbox/two.txt")).hasContent("22");
        upload("two.txt", "/outbox", null, null, null);
        assertThat(server.files().resolve("outbox/two.txt")).hasContent("changed");
        assertThat(server.names("outbox")).containsExactly("one.txt", "two.txt");

        StepException nameForMany = failure(() -> upload(List.of("one.txt", "two.txt"), "/outbox", "x.txt", null,
                null));
        assertThat(nameForMany.getMessage()).startsWith("filename: ");
        assertThat(upload(List.of(), "/outbox", null, null, null)).containsEntry("count", 0);
    }

    @Test
    void theKeyUserLogsInWithItsKeyFromTheSecretStoreAlsoWhenItIsEncrypted() throws Exception {
        server.bind(store.camel(), "deploy-key", SftpTestServer.KEY_USER, Map.of("privateKey", server.clientKeyPem()),
                server.knownHosts());
        server.bind(store.camel(), "deploy-locked", SftpTestServer.KEY_USER, Map.of("privateKey",
                server.clientKeyEncrypted(), "passphrase", SftpTestServer.PASSPHRASE), server.knownHosts());
        server.bind(store.camel(), "deploy-wrong-passphrase", SftpTestServer.KEY_USER, Map.of("privateKey",
                server.clientKeyEncrypted(), "passphrase", "not it"), server.knownHosts());
        remote("keys/k.txt", "k", Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(list("deploy-key", "/keys", null, null)).containsEntry("count", 1);
        assertThat(list("deploy-locked", "keys", null, null)).containsEntry("count", 1);
        StepException locked = failure(() -> list("deploy-wrong-passphrase", "/keys", null, null));
        assertThat(locked.type()).isEqualTo("sftp.auth");
        assertThat(locked.retryable()).isFalse();
        assertThat(locked.getMessage()).contains("privateKey", "passphrase");
    }

    @Test
    void anUnknownOrChangedHostKeyIsRefusedByDefault() throws Exception {
        server.bind(store.camel(), "no-known-hosts", SftpTestServer.USER, Map.of("password", SftpTestServer.PASSWORD),
                null);
        String otherKey;
        try (SftpTestServer other = SftpTestServer.start()) {
            otherKey = other.knownHosts().replace("]:" + other.port() + " ", "]:" + server.port() + " ");
        }
        server.bind(store.camel(), "other-key", SftpTestServer.USER, Map.of("password", SftpTestServer.PASSWORD),
                otherKey);

        for (String connection : List.of("no-known-hosts", "other-key")) {
            StepException refused = failure(() -> list(connection, "/", null, null));
            assertThat(refused.type()).as(connection).isEqualTo("sftp.host_key");
            assertThat(refused.retryable()).isFalse();
            assertThat(refused.getMessage()).contains("'" + connection + "'", "host key", "knownHosts");
        }
    }

    @Test
    void aWrongPasswordIsAClearAuthFailureAndNotRetried() throws Exception {
        server.bind(store.camel(), "wrong-password", SftpTestServer.USER, Map.of("password", "guess"),
                server.knownHosts());

        StepException refused = failure(() -> list("wrong-password", "/", null, null));

        assertThat(refused.type()).isEqualTo("sftp.auth");
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.getMessage()).contains("'wrong-password'", "refused the login", "password")
                .doesNotContain("guess");
    }

    @Test
    void traversalAndControlCharactersInRemotePathsAreRefusedNamingTheField() throws Exception {
        Map<String, Object> file = put("safe.txt", "s");

        List<StepException> refused = List.of(
                failure(() -> download("partner", "/logs/../../etc/passwd", null, null)),
                failure(() -> download("partner", "..", null, null)),
                failure(() -> upload(file, "/outbox/..\\secret", null, null, null)),
                failure(() -> list("partner", "/inbox\u0000/x", null, null)),
                failure(() -> delete(new SftpDeleteConfig("partner", "a/../../b.txt", null, null, null, null, null))));

        assertThat(refused).extracting(StepException::type).containsOnly("sftp.path");
        assertThat(refused).extracting(e -> e.getMessage().substring(0, e.getMessage().indexOf(':')))
                .containsExactly("from", "from", "to", "directory", "path");
        assertThat(refused.get(3).getMessage()).contains("NUL");
        StepException name = failure(() -> upload(file, "/outbox", "../up.txt", null, null));
        assertThat(name.getMessage()).startsWith("filename: ");

        Problems problems = new Problems();
        download.check(new SftpDownloadConfig("partner", "/a/../b", null, null), problems);
        upload.check(new SftpUploadConfig("partner", "x", "../up", "a/b", null, null, null), problems);
        list.check(new SftpListConfig("partner", "{{ params.dir }}", null, null), problems);
        assertThat(problems.list()).extracting(p -> p.path()).containsExactly("$.from", "$.to", "$.filename");
    }

    @Test
    void deleteTakesAPathOrWhatIncludeSelectsAndNeverAWholeDirectoryUnasked() throws Exception {
        Instant time = Instant.parse("2026-11-01T00:00:00Z");
        remote("trash/a.tmp", "a", time);
        remote("trash/b.tmp", "b", time);
        remote("trash/keep.csv", "k", time);
        remote("trash/sub/c.tmp", "c", time);
        remote("trash/sub/d.csv", "d", time);
        remote("trash/one.txt", "1", time);

        Map<String, Object> one = delete(new SftpDeleteConfig("partner", "/trash/one.txt", null, null, null, null,
                null));
        Map<String, Object> tmp = delete(new SftpDeleteConfig("partner", null, "/trash", "*.tmp", true, null, null));
        StepException unasked = failure(() -> delete(new SftpDeleteConfig("partner", null, "/trash", null, null, null,
                null)));
        StepException emptyInclude = failure(() -> delete(new SftpDeleteConfig("partner", null, "/trash", "", null,
                null, null)));
        Map<String, Object> missing = delete(new SftpDeleteConfig("partner", "/trash/gone.txt", null, null, null, null,
                null));
        StepException missingFails = failure(() -> delete(new SftpDeleteConfig("partner", "/trash/gone.txt", null,
                null, null, null, true)));

        assertThat(one).isEqualTo(Map.of("deleted", List.of("/trash/one.txt"), "count", 1));
        assertThat(tmp.get("deleted")).isEqualTo(List.of("/trash/a.tmp", "/trash/b.tmp", "/trash/sub/c.tmp"));
        assertThat(unasked.getMessage()).startsWith("include: ").contains("all: true");
        assertThat(emptyInclude.getMessage()).startsWith("include: ");
        assertThat(server.names("trash")).containsExactly("keep.csv", "sub");
        assertThat(missing).containsEntry("count", 0);
        assertThat(missingFails.type()).isEqualTo("sftp.not_found");

        Map<String, Object> all = delete(new SftpDeleteConfig("partner", null, "/trash", null, true, true, null));
        assertThat(all.get("deleted")).isEqualTo(List.of("/trash/keep.csv", "/trash/sub/d.csv"));
        assertThat(server.names("trash")).containsExactly("sub");

        Problems problems = new Problems();
        delete.check(new SftpDeleteConfig("partner", null, "/trash", null, null, null, null), problems);
        delete.check(new SftpDeleteConfig("partner", "/x", "/trash", "*", null, null, null), problems);
        assertThat(problems.list()).extracting(p -> p.path()).containsExactly("$.include", "$", "$.path");
    }

    @Test
    void aServerThatIsNotThereOrGoesAwayMidTransferIsARetryableFailure() throws Exception {
        SftpTestServer gone = SftpTestServer.start();
        gone.bind(store.camel(), "gone", SftpTestServer.USER, Map.of("password", SftpTestServer.PASSWORD),
                gone.knownHosts());
        gone.close();

        StepException refused = failure(() -> list("gone", "/", null, null));

        assertThat(refused.type()).isEqualTo("sftp.connection");
        assertThat(refused.retryable()).isTrue();

        try (SftpTestServer flaky = SftpTestServer.start()) {
            flaky.bind(store.camel(), "flaky", SftpTestServer.USER, Map.of("password", SftpTestServer.PASSWORD),
                    flaky.knownHosts());
            Path big = flaky.files().resolve("big.bin");
            try (OutputStream out = Files.newOutputStream(big)) {
                byte[] chunk = new byte[MB];
                for (int i = 0; i < 4; i++) {
                    out.write(chunk);
                }
            }
            flaky.dropReadsAfter(MB);
            long before = System.nanoTime();

            StepException broken = failure(() -> download("flaky", "/big.bin", null, null));

            assertThat(broken.type()).isEqualTo("sftp.connection");
            assertThat(broken.retryable()).isTrue();
            assertThat(broken.getMessage()).contains("downloading /big.bin");
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(20));
        }
    }
}
