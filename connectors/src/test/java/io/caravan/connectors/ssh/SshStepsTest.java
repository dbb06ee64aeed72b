package io.caravan.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.TestCall;
import io.caravan.connectors.TimedCall;
import io.caravan.connectors.remote.OutputCapture;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.job.compiler.CompiledJob;
import io.caravan.job.compiler.JobCompiler;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.ExecutionListener;
import io.caravan.job.execution.StepStatus;
import io.caravan.job.expression.Expressions;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKinds;
import io.caravan.job.validation.JobValidator;
import io.caravan.job.validation.Problem;
import io.caravan.job.validation.Problems;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh.exec and ssh.copy against a real SSH server in this JVM (MINA SSHD running commands through
 * /bin/sh, and SFTP) and a real S3 server: streams, exit codes, values that must stay data,
 * truncation, timeouts, host keys, logins and copies both ways.
 */
class SshStepsTest {

    @TempDir
    static Path dir;
    private static TestStore store;
    private static SshTestServer server;
    /** Where a command that was injected would leave a file. */
    private static Path markers;

    private final SshExecStep exec = new SshExecStep();
    private final SshCopyStep copy = new SshCopyStep();
    private final TestCall call = TestCall.of(store.camel(), "status");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(Files.createDirectories(dir.resolve("s3")));
        server = SshTestServer.start(Files.createDirectories(dir.resolve("ssh")));
        markers = Files.createDirectories(dir.resolve("markers"));
        bind(server.connection("app-host", SshTestServer.PASSWORD_USER, server.knownHosts(),
                Map.of("password", SshTestServer.PASSWORD)));
        bind(server.connection("key-host", SshTestServer.KEY_USER, server.knownHosts(),
                Map.of("privateKey", server.keyPem())));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.close();
    }

    private static void bind(ConnectionSettings settings) {
        store.camel().getRegistry().bind(ConnectionSettings.bean(settings.name()), settings);
    }

    private static SshExecConfig command(String connection, String command) {
        return new SshExecConfig(connection, command, null, null, null, null);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(SshExecConfig config) throws Exception {
        return (Map<String, Object>) exec.run(config, new TimedCall(call, Duration.ofSeconds(60)));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(SshCopyConfig config) throws Exception {
        return (Map<String, Object>) copy.run(config, new TimedCall(call, Duration.ofSeconds(60)));
    }

    private StepException failure(SshExecConfig config) {
        return (StepException) org.assertj.core.api.Assertions.catchThrowable(() -> run(config));
    }

    private StepException failure(SshCopyConfig config) {
        return (StepException) org.assertj.core.api.Assertions.catchThrowable(() -> run(config));
    }

    /** The names of the files in the execution's context. */
    private List<Object> fileNames() {
        return ((List<?>) call.execution().data().get("files")).stream().map(f -> ((Map<?, ?>) f).get("filename"))
                .collect(Collectors.toList());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void runsTheExampleCommandAndKeepsStdoutAndStderrApart() throws Exception {
        Map<String, Object> status = run(command("app-host", "uptime && df -h / && free -m"));

        assertThat(status.get("exit_code")).isEqualTo(0);
        assertThat((String) status.get("stdout")).contains("load average").contains("Filesystem").contains("Mem:");
        assertThat(status).containsEntry("stderr", "").containsEntry("stdout_truncated", false)
                .containsEntry("stderr_truncated", false).doesNotContainKeys("stdout_file", "stderr_file");

        Map<String, Object> both = run(new SshExecConfig("app-host", "printf 'to out\\n'; printf 'to err' >&2; exit 3",
                null, null, null, List.of(0, 3)));
        assertThat(both).containsEntry("exit_code", 3).containsEntry("stdout", "to out\n").containsEntry("stderr", "to err");
    }

    @Test
    void anUnexpectedExitCodeFailsWithTheEndOfStderr() {
        StepException e = failure(command("app-host", "echo progress; echo 'disk /data is full' >&2; exit 3"));

        assertThat(e.type()).isEqualTo("ssh.exit");
        assertThat(e.retryable()).isFalse();
        assertThat(e).hasMessage("the command exited with 3 (expected 0); stderr: disk /data is full");

        StepException quiet = failure(new SshExecConfig("app-host", "echo only here; exit 1", null, null, null,
                List.of(0, 2)));
        assertThat(quiet).hasMessage("the command exited with 1 (expected one of [0, 2]); stdout: only here");
    }

    /** Values a caller controls, each trying another way out of the quotes; none must run. */
    private static List<String> hostileValues() {
        String m = markers.toString();
        return List.of(
                "a; touch " + m + "/semicolon",
                "$(touch " + m + "/dollar)",
                "`touch " + m + "/backtick`",
                "it's'; touch " + m + "/single; echo '",
                "say \"hi\"\"; touch " + m + "/double; \"",
                "line one\ntouch " + m + "/newline\n",
                "| touch " + m + "/pipe && touch " + m + "/and &",
                "$HOME ${PATH} \\ \\n %s %d * ? [a] ~ #",
                "'",
                "",
                "\t leading and trailing  ",
                "é € 日本 🚀");
    }

    @Test
    void envAndArgsReachTheCommandAsDataNotCode() throws Exception {
        List<String> values = hostileValues();
        Map<String, Object> env = new LinkedHashMap<>();
        StringBuilder read = new StringBuilder("printf '%s\\036'");
        for (int i = 0; i < values.size(); i++) {
            env.put("V" + i, values.get(i));
            read.append(" \"$V").append(i).append('"');
        }

        Map<String, Object> viaEnv = run(new SshExecConfig("app-host", read.toString(), env, null, null, null));
        Map<String, Object> viaArgs = run(new SshExecConfig("app-host", "printf '%s\\036'", null,
                new ArrayList<>(values), null, null));

        assertThat(Arrays.asList(((String) viaEnv.get("stdout")).split("\u001e", -1)))
                .containsExactlyElementsOf(concat(values, ""));
        assertThat(Arrays.asList(((String) viaArgs.get("stdout")).split("\u001e", -1)))
                .containsExactlyElementsOf(concat(values, ""));
        assertThat(markers).as("no injected command ran").isEmptyDirectory();
    }

    private static List<String> concat(List<String> values, String last) {
        List<String> all = new ArrayList<>(values);
        all.add(last);
        return all;
    }

    @Test
    void envValuesOfOtherTypesAreTheirTextAndNulIsRefused() throws Exception {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("N", new BigDecimal("1E+3"));
        env.put("B", true);
        env.put("J", Map.of("ids", List.of(1, 2)));
        env.put("Z", null);
        Map<String, Object> out = run(new SshExecConfig("app-host", "printf '%s|%s|%s|%s' \"$N\" \"$B\" \"$J\" \"$Z\"",
                env, null, null, null));
        assertThat(out.get("stdout")).isEqualTo("1000|true|{\"ids\":[1,2]}|");

        Map<String, Object> nul = new LinkedHashMap<>();
        nul.put("V", "a\0b");
        StepException e = failure(new SshExecConfig("app-host", "true", nul, null, null, null));
        assertThat(e.type()).isEqualTo("ssh.value");
        assertThat(e).hasMessageContaining("env.V").hasMessageContaining("NUL");
        StepException name = failure(new SshExecConfig("app-host", "true", Map.of("A-B", "x"), null, null, null));
        assertThat(name).hasMessageContaining("'A-B' is not a variable name");
    }

    @Test
    void runsInTheWorkingDirectoryGivenQuoted() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work dir 'q' $(x)"));

        Map<String, Object> out = run(new SshExecConfig("app-host", "pwd", null, null, work.toString(), null));
        assertThat(out.get("stdout")).isEqualTo(work + "\n");

        StepException missing = failure(new SshExecConfig("app-host", "touch " + markers + "/ran-elsewhere", null,
                null, dir.resolve("missing").toString(), null));
        assertThat(missing.type()).isEqualTo("ssh.exit");
        assertThat(missing).hasMessageContaining("cd").hasMessageContaining("missing");
        assertThat(markers).as("the command did not run in the wrong directory").isEmptyDirectory();

        StepException climbing = failure(new SshExecConfig("app-host", "pwd", null, null, work + "/../..", null));
        assertThat(climbing.type()).isEqualTo("ssh.path");
    }

    @Test
    void largeStreamsAreCutInTheOutputAndKeptWholeInFiles() throws Exception {
        Map<String, Object> out = run(command("app-host",
                "yes 0123456789abcdef | head -c 300000; yes warning | head -c 100000 >&2; exit 0"));

        assertThat((String) out.get("stdout")).hasSize(OutputCapture.LIMIT).startsWith("0123456789abcdef\n0123");
        assertThat(out).containsEntry("stdout_truncated", true).containsEntry("stderr_truncated", true);
        Map<?, ?> stdoutFile = (Map<?, ?>) out.get("stdout_file");
        Map<?, ?> stderrFile = (Map<?, ?>) out.get("stderr_file");
        assertThat(stdoutFile.get("filename")).isEqualTo("status.stdout.txt");
        assertThat(stdoutFile.get("size")).isEqualTo(300_000L);
        assertThat(stderrFile.get("filename")).isEqualTo("status.stderr.txt");
        assertThat(stderrFile.get("size")).isEqualTo(100_000L);
        String whole;
        try (InputStream in = ExecutionFiles.of(call).open(stdoutFile, "stdout_file")) {
            whole = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        assertThat(whole).isEqualTo("0123456789abcdef\n".repeat(300_000 / 17 + 1).substring(0, 300_000));
        assertThat(fileNames()).contains("status.stdout.txt", "status.stderr.txt");
    }

    @Test
    void aCutNeverSplitsACharacter() throws Exception {
        // 'a' then two-byte characters: the limit falls inside one of them
        Map<String, Object> out = run(command("app-host", "printf a; yes é | tr -d '\\n' | head -c 100000"));

        String text = (String) out.get("stdout");
        assertThat(text).hasSize(1 + (OutputCapture.LIMIT - 1) / 2).startsWith("aé").doesNotContain("\uFFFD");
        assertThat(text.substring(1).chars().allMatch(c -> c == 'é')).isTrue();
    }

    @Test
    void aCommandWritingMuchToBothStreamsAtOnceDoesNotStall() throws Exception {
        long t0 = System.nanoTime();
        Map<String, Object> out = run(command("app-host",
                "yes out | head -c 3000000 & yes err | head -c 3000000 >&2; wait"));

        assertThat(((Map<?, ?>) out.get("stdout_file")).get("size")).isEqualTo(3_000_000L);
        assertThat(((Map<?, ?>) out.get("stderr_file")).get("size")).isEqualTo(3_000_000L);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(50));
    }

    @Test
    void theCommandsInputIsClosed() throws Exception {
        assertThat(run(command("app-host", "cat; echo read-to-the-end")).get("stdout")).isEqualTo("read-to-the-end\n");
    }

    @Test
    void aCommandOverItsTimeIsStoppedAndFailsRetryably() {
        long t0 = System.nanoTime();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> exec.run(
                command("app-host", "sleep 30"), new TimedCall(call, Duration.ofSeconds(2))));

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(thrown).isInstanceOfSatisfying(StepException.class, e -> {
            assertThat(e.type()).isEqualTo("ssh.timeout");
            assertThat(e.retryable()).isTrue();
            assertThat(e).hasMessageContaining("did not finish within PT2S");
        });
    }

    @Test
    void logsInWithKeysInPemAndEncryptedOpenSshFormat() throws Exception {
        assertThat(run(command("key-host", "printf pem")).get("stdout")).isEqualTo("pem");

        bind(server.connection("key-openssh", SshTestServer.KEY_USER, server.knownHosts(),
                Map.of("privateKey", server.keyOpenSsh(), "passphrase", SshTestServer.PASSPHRASE)));
        assertThat(run(command("key-openssh", "printf openssh")).get("stdout")).isEqualTo("openssh");

        bind(server.connection("bad-phrase", SshTestServer.KEY_USER, server.knownHosts(),
                Map.of("privateKey", server.keyOpenSsh(), "passphrase", "not-the-phrase")));
        StepException phrase = failure(command("bad-phrase", "true"));
        assertThat(phrase.type()).isEqualTo("ssh.config");
        assertThat(phrase.retryable()).isFalse();
        assertThat(phrase).hasMessageContaining("privateKey cannot be read").hasMessageNotContaining("not-the-phrase");

        bind(server.connection("ed25519", SshTestServer.KEY_USER, server.knownHosts(),
                Map.of("privateKey", server.keyEd25519())));
        assertThat(run(command("ed25519", "printf ed25519")).get("stdout")).isEqualTo("ed25519");

        bind(server.connection("other-key", SshTestServer.KEY_USER, server.knownHosts(),
                Map.of("privateKey", SshTestServer.pem(SshTestServer.rsa()))));
        assertThat(failure(command("other-key", "true")).type()).isEqualTo("ssh.auth");
    }

    @Test
    void aWrongPasswordIsRefusedWithoutShowingIt() {
        bind(server.connection("wrong-pw", SshTestServer.PASSWORD_USER, server.knownHosts(),
                Map.of("password", "guess-8812")));

        StepException e = failure(command("wrong-pw", "touch " + markers + "/ran-without-login"));

        assertThat(e.type()).isEqualTo("ssh.auth");
        assertThat(e.retryable()).isFalse();
        assertThat(e).hasMessageContaining("login as 'ops' at 127.0.0.1:" + server.port())
                .hasMessageNotContaining("guess-8812");
        assertThat(markers).isEmptyDirectory();
    }

    @Test
    void anUnknownChangedOrRevokedHostKeyIsRefusedBeforeLoggingIn() throws Exception {
        String host = "[127.0.0.1]:" + server.port();
        String otherKey = org.apache.sshd.common.config.keys.PublicKeyEntry.toString(SshTestServer.rsa().getPublic());
        String serverKey = server.knownHosts().lines().filter(l -> l.startsWith("[")).findFirst().orElseThrow()
                .substring(host.length() + 1);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("", "is not in the connection's knownHosts");
        cases.put("[127.0.0.1]:1 " + serverKey, "is not in the connection's knownHosts"); // another port
        cases.put(host + " " + otherKey, "changed: knownHosts has ssh-rsa SHA256:");
        cases.put("@revoked " + host + " " + serverKey + "\n" + host + " " + serverKey, "is marked @revoked");

        for (Map.Entry<String, String> c : cases.entrySet()) {
            bind(server.connection("pinned", SshTestServer.PASSWORD_USER, c.getKey(),
                    Map.of("password", SshTestServer.PASSWORD)));
            StepException e = failure(command("pinned", "touch " + markers + "/ran-on-an-unchecked-host"));
            assertThat(e.type()).as(c.getKey()).isEqualTo("ssh.host_key");
            assertThat(e.retryable()).isFalse();
            assertThat(e).as(c.getKey()).hasMessageContaining(c.getValue())
                    .hasMessageContaining("127.0.0.1:" + server.port());
        }
        assertThat(markers).isEmptyDirectory();

        // the server also has an Ed25519 key: either line alone is enough, as is a hashed host name
        for (String known : List.of(server.knownHostsEd25519(), hashed(host) + " " + serverKey,
                "other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
                        + server.knownHosts())) {
            bind(server.connection("pinned", SshTestServer.PASSWORD_USER, known, Map.of("password", SshTestServer.PASSWORD)));
            assertThat(run(command("pinned", "printf checked")).get("stdout")).as(known).isEqualTo("checked");
        }

        bind(server.connection("garbled", SshTestServer.PASSWORD_USER, host + " ssh-rsa not-base64!",
                Map.of("password", SshTestServer.PASSWORD)));
        assertThat(failure(command("garbled", "true"))).hasMessageStartingWith("knownHosts line 1 is not a known_hosts");
    }

    /** A host name hashed as OpenSSH's HashKnownHosts writes it: |1|salt|HMAC-SHA1(salt, name). */
    private static String hashed(String name) throws Exception {
        byte[] salt = new byte[20];
        new Random(3).nextBytes(salt);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
        return "|1|" + java.util.Base64.getEncoder().encodeToString(salt) + "|"
                + java.util.Base64.getEncoder().encodeToString(hash);
    }

    @Test
    void anUnreachableHostFailsRetryably() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Map<String, Object> config = Map.of("host", "127.0.0.1", "port", port, "username", "ops", "knownHosts", "");
        bind(new ConnectionSettings("down", "ssh", config, Map.of("password", "x")));

        StepException e = failure(command("down", "true"));

        assertThat(e.type()).isEqualTo("ssh.connect");
        assertThat(e.retryable()).isTrue();
        assertThat(e).hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void copiesAFileToTheHostAndBackUnchanged() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Map<String, Object> file = ExecutionFiles.of(call).write("data.bin", "file", out -> {
            out.write(data);
            return null;
        });
        Files.createDirectories(server.files().resolve("inbox"));

        Map<String, Object> sent = run(new SshCopyConfig("app-host", file, "/inbox/", null, null));
        Map<String, Object> intoDirectory = run(new SshCopyConfig("key-host", "data.bin", "/inbox", null, null));
        Map<String, Object> renamed = run(new SshCopyConfig("app-host", file, "/inbox/renamed.bin", null, null));

        assertThat(sent).containsEntry("remote", "/inbox/data.bin").containsEntry("size", (long) data.length)
                .containsEntry("sha256", sha256(data));
        assertThat(intoDirectory).containsEntry("remote", "/inbox/data.bin");
        assertThat(renamed).containsEntry("remote", "/inbox/renamed.bin");
        assertThat(sha256(Files.readAllBytes(server.files().resolve("inbox/data.bin")))).isEqualTo(sha256(data));
        assertThat(sha256(Files.readAllBytes(server.files().resolve("inbox/renamed.bin")))).isEqualTo(sha256(data));

        Map<String, Object> fetched = run(new SshCopyConfig("key-host", null, null, "/inbox/renamed.bin", "back.bin"));
        Map<String, Object> named = run(new SshCopyConfig("app-host", null, null, "/inbox/renamed.bin", null));

        Map<?, ?> back = (Map<?, ?>) fetched.get("file");
        assertThat(back.get("filename")).isEqualTo("back.bin");
        assertThat(back.get("size")).isEqualTo((long) data.length);
        assertThat(fetched).containsEntry("remote", "/inbox/renamed.bin").containsEntry("sha256", sha256(data));
        try (InputStream in = ExecutionFiles.of(call).open(back, "file")) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(data));
        }
        assertThat(((Map<?, ?>) named.get("file")).get("filename")).isEqualTo("renamed.bin");
        assertThat(fileNames()).contains("back.bin", "renamed.bin");
    }

    @Test
    void copyRefusesClimbingPathsAndReportsMissingRemoteFiles() throws Exception {
        ExecutionFiles.of(call).write("small.txt", "file", out -> {
            out.write("hello".getBytes(StandardCharsets.UTF_8));
            return null;
        });
        Files.createDirectories(server.files().resolve("outbox"));

        StepException up = failure(new SshCopyConfig("app-host", "small.txt", "/outbox/../../etc/passwd", null, null));
        assertThat(up.type()).isEqualTo("ssh.path");
        assertThat(up).hasMessageStartingWith("to: '/outbox/../../etc/passwd' has a '..' segment");
        assertThat(failure(new SshCopyConfig("app-host", null, null, "../secret", "s.txt")).type()).isEqualTo("ssh.path");
        assertThat(failure(new SshCopyConfig("app-host", null, null, "/outbox/x", "../s.txt")).type()).isEqualTo("file");

        StepException missing = failure(new SshCopyConfig("app-host", null, null, "/outbox/none.csv", null));
        assertThat(missing.type()).isEqualTo("ssh.not_found");
        assertThat(missing.retryable()).isFalse();
        assertThat(missing).hasMessageContaining("/outbox/none.csv");

        StepException directory = failure(new SshCopyConfig("app-host", null, null, "/outbox", "o.txt"));
        assertThat(directory).hasMessage("from: /outbox is a directory; name one file");

        StepException noSuchFolder = failure(new SshCopyConfig("app-host", "small.txt", "/absent/dir/", null, null));
        assertThat(noSuchFolder.type()).isEqualTo("ssh.not_found");

        StepException notOurs = failure(new SshCopyConfig("app-host", "jobs/other/executions/x/files/a.txt", "/outbox/",
                null, null));
        assertThat(notOurs.type()).isEqualTo("file");
    }

    @Test
    void checksWhatTheSchemaCannot() {
        Problems problems = new Problems();
        exec.check(new SshExecConfig("h", "run.sh {{ params.x }}", Map.of("1X", "v", "OK_1", "v"), null,
                "/srv/../etc", List.of(0, 256)), problems);
        copy.check(new SshCopyConfig("h", "f.csv", null, "/in/x", "a/b"), problems.at(".copy"));
        copy.check(new SshCopyConfig("h", null, "/x", null, null), problems.at(".none"));

        assertThat(problems.list().stream().map(p -> p.path() + " " + p.message()).collect(Collectors.toList()))
                .anyMatch(m -> m.startsWith("$.command must not contain {{ }}"))
                .anyMatch(m -> m.startsWith("$.env '1X' is not a variable name"))
                .noneMatch(m -> m.contains("OK_1"))
                .anyMatch(m -> m.startsWith("$.workingDirectory '/srv/../etc' has a '..' segment"))
                .anyMatch(m -> m.startsWith("$.expectedExitCodes[1] an exit code is from 0 to 255, got 256"))
                .anyMatch(m -> m.startsWith("$.copy.from give either file and to"))
                .anyMatch(m -> m.startsWith("$.copy.to is required with file"))
                .anyMatch(m -> m.startsWith("$.copy.saveAs 'a/b' is a path"))
                .anyMatch(m -> m.startsWith("$.none.file give file and to"))
                .anyMatch(m -> m.startsWith("$.none.to goes with file"));
    }

    @Test
    void theMaintenanceExampleValidatesAndRunsAsAJob() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String document = """
            { "id": "system-maintenance",
              "params": { "maintenance_type": { "type": "string", "default": "basic", "enum": ["basic", "full", "custom"] } },
              "steps": [
                { "id": "status", "type": "ssh.exec", "connection": "app-host",
                  "command": "uptime && df -h / && free -m", "timeout": "PT30S" },
                { "id": "update", "type": "ssh.exec", "connection": "app-host",
                  "command": "printf 'running %s' \\"$MAINT_TYPE\\"",
                  "env": { "MAINT_TYPE": "{{ params.maintenance_type }}" }, "timeout": "PT30M" },
                { "id": "fetch", "type": "ssh.copy", "connection": "app-host",
                  "from": "/reports/{{ params.maintenance_type }}.log" }
              ] }""";
        List<Problem> problems = new JobValidator(StepKinds.load(), new Expressions(), json)
                .validate(json.readTree(document), Set.of("app-host"));
        assertThat(problems).isEmpty();
        Files.createDirectories(server.files().resolve("reports"));
        Files.writeString(server.files().resolve("reports/full.log"), "done\n");

        CompiledJob job = new JobCompiler(StepKinds.load(), new Expressions(), json)
                .compile(json.readValue(document, JobDefinition.class), 1);
        store.camel().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(JobCompiler.CHECKPOINT_URI).routeId("ssh-test.checkpoint").log("checkpoint");
            }
        });
        store.camel().addRoutes(job.routes());
        ExecutionContext execution = ExecutionContext.start("exec-m", "system-maintenance", 1, null,
                Map.of("maintenance_type", "full"), ExecutionListener.NONE);
        store.camel().createProducerTemplate().send(job.endpointUri(),
                exchange -> exchange.setProperty(ExecutionContext.PROPERTY, execution));

        for (String step : List.of("status", "update", "fetch")) {
            assertThat(execution.status(step)).as("%s: %s", step, execution.step(step)).isEqualTo(StepStatus.SUCCESS);
        }
        assertThat(((Map<?, ?>) execution.step("update").get("output")).get("stdout")).isEqualTo("running full");
        assertThat(((Map<?, ?>) ((Map<?, ?>) execution.step("fetch").get("output")).get("file")).get("filename"))
                .isEqualTo("full.log");
    }
}
