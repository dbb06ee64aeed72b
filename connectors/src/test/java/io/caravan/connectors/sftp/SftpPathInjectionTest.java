package io.caravan.connectors.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.job.step.StepException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote paths of the sftp steps as a caller could make them through a parameter, tried on a real
 * SFTP server: each that climbs ({@code ..} between {@code /} or {@code \}) or holds a control
 * character is refused naming its field before any connection; encoded or look-alike dots are
 * names like any other on the server. An sftp connection has no root of its own: the server's
 * (its chroot) is the boundary, so a link on the server is the server's to resolve — this server
 * keeps a link that points outside its root from reaching out.
 */
class SftpPathInjectionTest {

    @TempDir
    static Path dir;
    private static TestStore store;
    private static SftpTestServer server;
    private final TestCall call = TestCall.of(store.camel(), "paths");

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

    private static final List<String> CLIMBING = List.of(
            "..", "../etc/passwd", "/inbox/../../etc/passwd", "inbox/..", "/inbox/..\\..\\etc", "..\\etc\\passwd",
            "/inbox/./../x", "/inbox\u0000/x", "/inbox/x\n", "/inbox/\r", "/inbox/\u001b[2J", "", " ");

    @Test
    void climbingPathsAreRefusedInEveryFieldThatTakesOne() throws Exception {
        Map<String, Object> file = ExecutionFiles.of(call).write("up.txt", "file", out -> {
            out.write("x".getBytes(StandardCharsets.UTF_8));
            return null;
        });
        int refused = 0;
        for (String path : CLIMBING) {
            List<Throwable> attempts = List.of(
                    catchThrowable(() -> new SftpDownloadStep().run(new SftpDownloadConfig("partner", path, null, null), call)),
                    catchThrowable(() -> new SftpListStep().run(new SftpListConfig("partner", path, null, null), call)),
                    catchThrowable(() -> new SftpUploadStep().run(new SftpUploadConfig("partner", file, path, null, null,
                            null, null), call)),
                    catchThrowable(() -> new SftpDeleteStep().run(new SftpDeleteConfig("partner", path, null, null, null,
                            null, null), call)));
            for (Throwable e : attempts) {
                assertThat(e).as("path %s", path.replace("\u0000", "\\0")).isInstanceOfSatisfying(StepException.class,
                        s -> assertThat(s.type()).isEqualTo("sftp.path"));
                refused++;
            }
        }
        assertThat(server.files()).isDirectoryNotContaining("glob:**/up.txt");
        System.out.printf("path injection: %d climbing remote paths x 4 sftp steps = %d refused with the field%n",
                CLIMBING.size(), refused);
    }

    @Test
    void encodedAndLookAlikeDotsAreOrdinaryNamesOnTheServer() throws Exception {
        Files.createDirectories(server.files().resolve("inbox"));
        List<String> names = List.of("%2e%2e", "%2e%2e%2f", "\uff0e\uff0e", "\u2024\u2024", "...");
        for (String name : names) {
            Throwable e = catchThrowable(() -> new SftpListStep().run(
                    new SftpListConfig("partner", "/inbox/" + name + "/", null, null), call));
            assertThat(e).as("%s is a directory of that name, which is not there", name)
                    .isInstanceOfSatisfying(StepException.class, s -> assertThat(s.type()).isEqualTo("sftp.not_found"));
        }
        System.out.printf("path injection: %d encoded or look-alike dots read as plain names%n", names.size());
    }

    /**
     * Links are resolved by the server, not by Caravan: MINA's virtual file system, as here, follows
     * a link out of its root (an OpenSSH chroot resolves it inside). What Caravan controls is that a
     * recursive walk never descends into a link, so a link cannot widen or loop a walk.
     */
    @Test
    void aRecursiveWalkListsLinksButNeverGoesIntoThem() throws Exception {
        Path outside = Files.writeString(Files.createDirectories(dir.resolve("outside")).resolve("secret.txt"), "secret");
        Files.createDirectories(server.files().resolve("links/sub"));
        Files.createSymbolicLink(server.files().resolve("links/escape"), outside.getParent());
        Files.createSymbolicLink(server.files().resolve("links/sub/loop"), server.files().resolve("links"));

        Map<?, ?> walked = (Map<?, ?>) new SftpListStep().run(new SftpListConfig("partner", "/links", null, true), call);

        assertThat(((List<?>) walked.get("entries")).stream().map(e -> (Object) ((Map<?, ?>) e).get("path")).toList())
                .containsExactly("/links/escape", "/links/sub", "/links/sub/loop");
        assertThat(walked.toString()).doesNotContain("secret.txt");
    }
}
