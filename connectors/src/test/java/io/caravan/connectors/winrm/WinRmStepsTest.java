package io.caravan.connectors.winrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TimedCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * winrm.exec against a WS-Management peer in this JVM ({@link WinRmTestPeer}: the SOAP exchanges
 * of a remote shell, no Windows behind them) and a real S3 server: what command line reaches the
 * host and how values are quoted in it, exit codes, streams and their truncation, timeouts,
 * refused credentials and unreachable hosts.
 */
class WinRmStepsTest {

    @TempDir
    static Path dir;
    private static TestStore store;
    private static WinRmTestPeer peer;

    private final WinRmExecStep exec = new WinRmExecStep();
    private final WinRmCopyStep copy = new WinRmCopyStep();
    private final TestCall call = TestCall.of(store.camel(), "remote");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(Files.createDirectories(dir.resolve("s3")));
        peer = WinRmTestPeer.start();
        bind(peer.connection("win-host", WinRmTestPeer.PASSWORD));
        bind(peer.connection("wrong-password", "not-the-password"));
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        bind(new ConnectionSettings("nobody-home", "winrm", Map.of("host", "127.0.0.1", "username", "u", "port",
                closed), Map.of("password", "p")));
    }

    @AfterAll
    static void stop() throws Exception {
        peer.close();
        store.close();
    }

    @BeforeEach
    void reset() {
        peer.received.clear();
        peer.actions.clear();
        peer.answer = r -> WinRmTestPeer.Reply.of("", "", 0);
    }

    private static void bind(ConnectionSettings settings) {
        store.camel().getRegistry().bind(ConnectionSettings.bean(settings.name()), settings);
    }

    private static WinRmExecConfig ps(String script, Map<String, Object> env) {
        return new WinRmExecConfig("win-host", script, null, env, null, null);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(WinRmExecConfig config, Duration timeout) throws Exception {
        return (Map<String, Object>) exec.run(config, new TimedCall(call, timeout));
    }

    private Map<String, Object> run(WinRmExecConfig config) throws Exception {
        return run(config, Duration.ofSeconds(60));
    }

    private StepException failure(WinRmExecConfig config, Duration timeout) {
        Throwable thrown = catchThrowable(() -> run(config, timeout));
        assertThat(thrown).isInstanceOf(StepException.class);
        return (StepException) thrown;
    }

    @Test
    void powershellScriptRunsEncodedAndGivesItsStreamsAndExitCode() throws Exception {
        peer.answer = r -> WinRmTestPeer.Reply.of("hello from windows\r\n", "a warning\r\n", 0);

        Map<String, Object> output = run(ps("Write-Output 'hello from windows'", null));

        assertThat(output).containsEntry("exit_code", 0).containsEntry("stdout", "hello from windows\r\n")
                .containsEntry("stderr", "a warning\r\n").containsEntry("stdout_truncated", false)
                .doesNotContainKey("stdout_file");
        WinRmTestPeer.Received received = peer.received.get(0);
        assertThat(received.command()).matches("powershell -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/=]+");
        assertThat(received.script()).isEqualTo("$ProgressPreference = 'SilentlyContinue'\r\n"
                + "Write-Output 'hello from windows'");
        // the whole exchange of a shell: opened, one command, its output, terminated, deleted
        assertThat(peer.actions).containsExactly("Create", "Command", "Receive", "Signal", "Delete");
    }

    @Test
    void envValuesReachPowershellAsQuotedLiterals() throws Exception {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("NAME", "O'Brien; $(Remove-Item C:\\ -Recurse) `whoami`");
        env.put("LINES", "one\r\ntwo\" & del *");
        env.put("CURLY", "\u2018left\u2019 \u201Alow\u201B");
        env.put("COUNT", new BigDecimal("12.50"));
        env.put("NOTHING", null);
        env.put("LIST", List.of("a", 1));

        run(ps("Write-Output $env:NAME", env));

        assertThat(peer.received.get(0).script()).isEqualTo("$ProgressPreference = 'SilentlyContinue'\r\n"
                + "$env:NAME = 'O''Brien; $(Remove-Item C:\\ -Recurse) `whoami`'\r\n"
                + "$env:LINES = 'one\r\ntwo\" & del *'\r\n"
                + "$env:CURLY = '\u2018\u2018left\u2019\u2019 \u201A\u201Alow\u201B\u201B'\r\n"
                + "$env:COUNT = '12.50'\r\n"
                + "$env:NOTHING = ''\r\n"
                + "$env:LIST = '[\"a\",1]'\r\n"
                + "Write-Output $env:NAME");
        // nothing of the values is on the command line itself: cmd.exe sees base64 only
        assertThat(peer.received.get(0).command()).doesNotContain("Brien", "whoami");
    }

    @Test
    void cmdGetsSetCommandsInQuotesAndRefusesWhatCmdWouldRead() throws Exception {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("TARGET", "a & b | c > d ^ (e) 'f'");
        peer.answer = r -> WinRmTestPeer.Reply.of("ok", "", 0);

        run(new WinRmExecConfig("win-host", "echo %TARGET%", WinRmExecConfig.Shell.cmd, env, null, null));

        assertThat(peer.received.get(0).command()).isEqualTo("set \"TARGET=a & b | c > d ^ (e) 'f'\" & echo %TARGET%");
        assertThat(peer.received.get(0).args()).isEmpty();
        for (String bad : List.of("50%", "say \"hi\"", "wow!", "two\nlines")) {
            StepException e = failure(new WinRmExecConfig("win-host", "echo %V%", WinRmExecConfig.Shell.cmd,
                    Map.of("V", bad), null, null), Duration.ofSeconds(60));
            assertThat(e.type()).isEqualTo("winrm.value");
            assertThat(e.getMessage()).contains("env.V", "use shell powershell");
        }
        assertThat(peer.received).hasSize(1);
    }

    @Test
    void unexpectedExitCodeFailsWithTheEndOfStderr() throws Exception {
        peer.answer = r -> WinRmTestPeer.Reply.of("partial", "Get-Item : Cannot find path 'C:\\nope'", 3);

        StepException e = failure(ps("Get-Item C:\\nope; exit 3", null), Duration.ofSeconds(60));

        assertThat(e.type()).isEqualTo("winrm.exit");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("exited with 3 (expected 0)", "stderr: Get-Item : Cannot find path");
        Map<String, Object> output = run(new WinRmExecConfig("win-host", "exit 3", null, null, null, List.of(0, 3)));
        assertThat(output).containsEntry("exit_code", 3).containsEntry("stdout", "partial");
    }

    @Test
    void largeOutputIsCutAndKeptWholeInAFile() throws Exception {
        String line = "0123456789abcdefghijklmnopqrstuvwxyz\r\n";
        String big = line.repeat(5000); // 190,000 bytes, handed out over a dozen Receive answers
        peer.answer = r -> WinRmTestPeer.Reply.of(big, "", 0);

        Map<String, Object> output = run(ps("1..5000 | % { '...' }", null));

        assertThat(output).containsEntry("stdout_truncated", true);
        assertThat((String) output.get("stdout")).hasSize(64 * 1024).isEqualTo(big.substring(0, 64 * 1024));
        Map<?, ?> file = (Map<?, ?>) output.get("stdout_file");
        assertThat(file.get("filename")).isEqualTo("remote.stdout.txt");
        try (InputStream in = ExecutionFiles.of(call).open(file, "stdout_file")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(big);
        }
        assertThat(peer.actions.stream().filter("Receive"::equals).count()).isGreaterThan(10);
    }

    @Test
    void workingDirectoryReachesTheShell() throws Exception {
        run(new WinRmExecConfig("win-host", "Get-Location", null, null, "D:\\jobs\\today", null));

        assertThat(peer.received.get(0).workingDirectory()).isEqualTo("D:\\jobs\\today");
        StepException e = failure(new WinRmExecConfig("win-host", "dir", null, null, "C:\\jobs\\..\\Windows", null),
                Duration.ofSeconds(60));
        assertThat(e.type()).isEqualTo("winrm.path");
        assertThat(e.getMessage()).contains("workingDirectory", "'..'");
    }

    @Test
    void aCommandThatOutlivesTheTimeoutIsTerminated() throws Exception {
        run(ps("'warm up'", null)); // the first client in a JVM spends seconds setting CXF up
        peer.actions.clear();
        peer.answer = r -> new WinRmTestPeer.Reply("", "", 0, true, 0);
        long start = System.nanoTime();

        StepException e = failure(ps("Start-Sleep 3600", null), Duration.ofSeconds(2));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(10));
        assertThat(e.type()).isEqualTo("winrm.timeout");
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("time ran out", "127.0.0.1");
        // the host said "no output yet" again and again; the client asked again until the deadline, then ended it
        assertThat(peer.actions.stream().filter("Receive"::equals).count()).isGreaterThan(2);
        assertThat(peer.actions.subList(peer.actions.size() - 2, peer.actions.size())).containsExactly("Signal",
                "Delete");
    }

    @Test
    void aCommandThatKeepsWritingPastTheTimeoutIsTerminated() throws Exception {
        run(ps("'warm up'", null));
        peer.actions.clear();
        // 40 pieces of output, one every 200 ms: 8 s of writing against a 2 s timeout
        peer.answer = r -> new WinRmTestPeer.Reply("x".repeat(40 * 16 * 1024), "", 0, false, 200);

        StepException e = failure(ps("while ($true) { 'x' * 16384 }", null), Duration.ofSeconds(2));

        assertThat(e.type()).isEqualTo("winrm.timeout");
        assertThat(peer.actions.stream().filter("Receive"::equals).count()).isBetween(3L, 30L);
        assertThat(peer.actions.subList(peer.actions.size() - 2, peer.actions.size())).containsExactly("Signal",
                "Delete");
    }

    @Test
    void refusedCredentialsGiveWinrmAuthWithoutThePassword() {
        StepException e = failure(new WinRmExecConfig("wrong-password", "hostname", null, null, null, null),
                Duration.ofSeconds(30));

        assertThat(e.type()).isEqualTo("winrm.auth");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("127.0.0.1").doesNotContain("not-the-password");
        assertThat(peer.received).isEmpty();
    }

    @Test
    void anUnreachableHostIsRetryable() {
        StepException e = failure(new WinRmExecConfig("nobody-home", "hostname", null, null, null, null),
                Duration.ofSeconds(30));

        assertThat(e.type()).isEqualTo("winrm.connect");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void aConnectionOfAnotherTypeOrNoneIsRefused() {
        StepException e = failure(new WinRmExecConfig("absent", "hostname", null, null, null, null),
                Duration.ofSeconds(30));

        assertThat(e.type()).isEqualTo("connection");
        assertThat(e.getMessage()).contains("absent");
    }

    @Test
    void checkRefusesSplicedScriptsAndBadFields() {
        Problems problems = new Problems();
        exec.check(ps("Remove-Item {{ params.path }}", Map.of("1BAD", "x")), problems.at(".a"));
        exec.check(new WinRmExecConfig("h", "echo a\r\necho b", WinRmExecConfig.Shell.cmd, null, "jobs\\x",
                null), problems.at(".b"));
        exec.check(new WinRmExecConfig("h", "dir", WinRmExecConfig.Shell.cmd, null, "{{ params.dir }}", null),
                problems.at(".c"));

        assertThat(problems.list().stream().map(p -> p.path() + " " + p.message()).collect(Collectors.toList()))
                .satisfiesExactly(
                        p -> assertThat(p).startsWith("$.a.script must not contain {{ }}"),
                        p -> assertThat(p).startsWith("$.a.env '1BAD' is not a variable name"),
                        p -> assertThat(p).startsWith("$.b.script a cmd script is one command line"),
                        p -> assertThat(p).startsWith("$.b.workingDirectory 'jobs\\x' is not an absolute Windows path"));
    }

    private static final Pattern PIECE = Pattern.compile("\\$p = '((?:[^']|'')*)'\r\n\\$b = \\[Convert\\]::"
            + "FromBase64String\\('([A-Za-z0-9+/=]*)'\\)\r\n\\$f = \\[IO.File\\]::Open\\(\\$p, \\[IO.FileMode\\]::(\\w+),.*",
            Pattern.DOTALL);

    /**
     * The peer as a host's disk for winrm.copy: each piece's script is read back (path, mode, bytes)
     * and its bytes kept; the hash question is answered with {@code hash} applied to what was kept.
     */
    private static Function<WinRmTestPeer.Received, WinRmTestPeer.Reply> disk(ByteArrayOutputStream disk,
            List<String> seen, Function<byte[], String> hash) {
        return r -> {
            String script = r.script();
            if (script.contains("Get-FileHash")) {
                seen.add(script.substring(script.indexOf("Get-FileHash")));
                return WinRmTestPeer.Reply.of(hash.apply(disk.toByteArray()) + "\r\n", "", 0);
            }
            Matcher piece = PIECE.matcher(script.substring(script.indexOf("$p = ")));
            assertThat(piece.matches()).as(script).isTrue();
            seen.add(piece.group(3) + " " + piece.group(1));
            disk.writeBytes(java.util.Base64.getDecoder().decode(piece.group(2)));
            return WinRmTestPeer.Reply.of("", "", 0);
        };
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void copySendsAFileInPiecesThatRebuildItAndChecksItsHash() throws Exception {
        byte[] bytes = new byte[10_000];
        new Random(7).nextBytes(bytes);
        ExecutionFiles.of(call).write("data.bin", "file", out -> {
            out.write(bytes);
            return null;
        });
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        List<String> seen = new ArrayList<>();
        peer.answer = disk(written, seen, b -> {
            try {
                return sha256(b).toUpperCase(java.util.Locale.ROOT); // Get-FileHash answers in upper case
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        @SuppressWarnings("unchecked")
        Map<String, Object> output = (Map<String, Object>) copy.run(new WinRmCopyConfig("win-host", "data.bin",
                "C:\\in\\o'brien\\"), new TimedCall(call, Duration.ofSeconds(60)));

        assertThat(written.toByteArray()).isEqualTo(bytes);
        assertThat(output).containsEntry("remote", "C:\\in\\o'brien\\data.bin").containsEntry("size", 10_000L)
                .containsEntry("sha256", sha256(bytes)).containsEntry("chunks", 7);
        // seven pieces of at most 1,500 bytes: the first creates the file, the rest append; the path is a quoted literal
        assertThat(seen).hasSize(8).startsWith("Create C:\\in\\o''brien\\data.bin")
                .contains("Append C:\\in\\o''brien\\data.bin")
                .endsWith("Get-FileHash -LiteralPath 'C:\\in\\o''brien\\data.bin' -Algorithm SHA256).Hash");
        assertThat(seen.subList(1, 7)).allMatch(s -> s.startsWith("Append "));
        // all in one shell, each command line short enough for cmd.exe
        assertThat(peer.actions.stream().filter("Create"::equals).count()).isEqualTo(1);
        assertThat(peer.received).allMatch(r -> r.command().length() < 8191);
    }

    @Test
    void copyOfAnEmptyFileCreatesItAndAHashMismatchFails() throws Exception {
        ExecutionFiles.of(call).write("empty.txt", "file", out -> null);
        List<String> seen = new ArrayList<>();
        peer.answer = disk(new ByteArrayOutputStream(), seen, b -> "0000");

        Throwable thrown = catchThrowable(() -> copy.run(new WinRmCopyConfig("win-host", "empty.txt",
                "C:\\in\\empty.txt"), new TimedCall(call, Duration.ofSeconds(60))));

        assertThat(seen.get(0)).isEqualTo("Create C:\\in\\empty.txt");
        assertThat(thrown).isInstanceOf(StepException.class).hasMessageContaining("SHA-256 of C:\\in\\empty.txt")
                .hasMessageContaining("is '0000'");
        assertThat(((StepException) thrown).type()).isEqualTo("winrm.copy");
    }

    @Test
    void copyRefusesAMissingFileAndABadPathBeforeConnecting() {
        Throwable missing = catchThrowable(() -> copy.run(new WinRmCopyConfig("win-host", "nope.csv", "C:\\in\\"),
                new TimedCall(call, Duration.ofSeconds(60))));
        Throwable climbing = catchThrowable(() -> copy.run(new WinRmCopyConfig("win-host", "nope.csv",
                "C:\\in\\..\\Windows\\x.dll"), new TimedCall(call, Duration.ofSeconds(60))));

        assertThat(((StepException) missing).type()).isEqualTo("file");
        assertThat(missing).hasMessageContaining("nope.csv");
        assertThat(((StepException) climbing).type()).isEqualTo("winrm.path");
        assertThat(peer.received).isEmpty();
    }
}
