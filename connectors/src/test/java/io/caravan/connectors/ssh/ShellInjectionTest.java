package io.caravan.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.TimedCall;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problem;
import io.caravan.job.validation.Problems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shell injection through {@code ssh.exec}, tried on a real SSH server whose commands run through
 * {@code /bin/sh -c}: every value a caller controls — in {@code env}, {@code args} or
 * {@code workingDirectory} — arrives as the very bytes sent, and an injected command would leave
 * a marker file that must never appear. A leading {@code -} stays a word of its own: whether the
 * command takes it for an option is the command's reading (write {@code --} before the args for
 * commands that parse options).
 */
class ShellInjectionTest {

    @TempDir
    static Path dir;
    private static TestStore store;
    private static SshTestServer server;
    private static Path markers;

    private final SshExecStep exec = new SshExecStep();
    private final TestCall call = TestCall.of(store.camel(), "shell");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(Files.createDirectories(dir.resolve("s3")));
        server = SshTestServer.start(Files.createDirectories(dir.resolve("ssh")));
        markers = Files.createDirectories(dir.resolve("markers"));
        store.camel().getRegistry().bind(io.caravan.connectors.connections.ConnectionSettings.bean("host"),
                server.connection("host", SshTestServer.PASSWORD_USER, server.knownHosts(),
                        Map.of("password", SshTestServer.PASSWORD)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.close();
    }

    /** Each tries another way out of the quotes; each would touch a marker if it got out. */
    private static List<String> hostile() {
        String m = markers.toString();
        return List.of(
                "$(touch " + m + "/dollar-paren)",
                "`touch " + m + "/backtick`",
                "${IFS}$(touch${IFS}" + m + "/ifs)",
                "; touch " + m + "/semicolon",
                "x && touch " + m + "/and",
                "x || touch " + m + "/or",
                "x | touch " + m + "/pipe",
                "x & touch " + m + "/background",
                "x\ntouch " + m + "/newline",
                "x\rtouch " + m + "/cr",
                "'; touch " + m + "/single; '",
                "'\\''; touch " + m + "/escaped-single; '",
                "\"; touch " + m + "/double; \"",
                "\"$(touch " + m + "/double-dollar)\"",
                "> " + m + "/redirect",
                "< /etc/passwd",
                "$((1+1)) $HOME ${PATH:0:1} ~ * ? [a-z] {a,b} !! #",
                "\\'\\\"\\\\",
                "-n",
                "--help",
                "-rf /",
                "\u2018 \u2019 \u201c \u201d \uff07",
                "\t\f\u000b",
                "é € 日本 🚀",
                "x".repeat(10_000),
                "");
    }

    private Map<?, ?> run(SshExecConfig config) throws Exception {
        return (Map<?, ?>) exec.run(config, new TimedCall(call, Duration.ofSeconds(60)));
    }

    /** printf's output split at the record separator written after each value. */
    private static List<String> records(Map<?, ?> out) {
        List<String> values = new ArrayList<>(Arrays.asList(((String) out.get("stdout")).split("\u001e", -1)));
        values.remove(values.size() - 1);
        return values;
    }

    @Test
    void valuesInEnvAndArgsArriveVerbatimAndNothingRuns() throws Exception {
        List<String> values = hostile();
        Map<String, Object> env = new LinkedHashMap<>();
        StringBuilder read = new StringBuilder("printf '%s\\036'");
        for (int i = 0; i < values.size(); i++) {
            env.put("V" + i, values.get(i));
            read.append(" \"$V").append(i).append('"');
        }

        Map<?, ?> viaEnv = run(new SshExecConfig("host", read.toString(), env, null, null, null));
        Map<?, ?> viaArgs = run(new SshExecConfig("host", "printf '%s\\036'", null, new ArrayList<>(values), null, null));
        Map<?, ?> viaArgsAfterDashes = run(new SshExecConfig("host", "printf -- '%s\\036'", null,
                new ArrayList<>(values), null, null));

        assertThat(records(viaEnv)).containsExactlyElementsOf(values);
        assertThat(records(viaArgs)).containsExactlyElementsOf(values);
        assertThat(records(viaArgsAfterDashes)).containsExactlyElementsOf(values);
        assertThat(markers).as("no injected command ran").isEmptyDirectory();
        System.out.printf("shell injection: %d hostile values x 3 ways (env, args, args after a --) arrived verbatim,"
                + " 0 ran%n", values.size());
    }

    @Test
    void aWorkingDirectoryWithHostileNameIsEnteredNotRun() throws Exception {
        int tried = 0;
        for (String value : hostile()) {
            if (value.isEmpty() || value.contains("/") || value.length() > 200 || value.equals("-n")
                    || value.chars().anyMatch(Character::isISOControl)) {
                continue; // not a directory name, or refused as a path (below)
            }
            Path work = Files.createDirectories(dir.resolve("work").resolve(value));
            Map<?, ?> out = run(new SshExecConfig("host", "pwd", null, null, work.toString(), null));
            assertThat(out.get("stdout")).isEqualTo(work + "\n");
            tried++;
        }
        assertThat(markers).isEmptyDirectory();
        System.out.printf("shell injection: %d hostile working directories entered, 0 ran%n", tried);
    }

    @Test
    void whatNoShellCanPassIsRefusedNamingTheField() {
        Map<String, Object> nulEnv = new LinkedHashMap<>();
        nulEnv.put("V", "a\u0000; touch " + markers + "/nul");
        List<Throwable> refused = List.of(
                catchThrowable(() -> run(new SshExecConfig("host", "true", nulEnv, null, null, null))),
                catchThrowable(() -> run(new SshExecConfig("host", "true", null, List.of("ok", "b\u0000c"), null, null))),
                catchThrowable(() -> run(new SshExecConfig("host", "true", Map.of("A;touch x", "v"), null, null, null))),
                catchThrowable(() -> run(new SshExecConfig("host", "true", Map.of("PATH=/tmp PS1", "v"), null, null,
                        null))),
                catchThrowable(() -> run(new SshExecConfig("host", "pwd", null, null, "/tmp\n; touch x", null))),
                catchThrowable(() -> run(new SshExecConfig("host", "pwd", null, null, "/tmp/../etc", null))));

        assertThat(refused).allSatisfy(e -> assertThat(e).isInstanceOf(StepException.class));
        assertThat(refused.get(0)).hasMessageContaining("env.V").hasMessageContaining("NUL");
        assertThat(refused.get(1)).hasMessageContaining("args[1]").hasMessageContaining("NUL");
        assertThat(refused.get(2)).hasMessageContaining("not a variable name");
        assertThat(refused.get(4)).hasMessageStartingWith("workingDirectory:");
        assertThat(markers).isEmptyDirectory();
        System.out.printf("shell injection: %d unpassable values refused with their field%n", refused.size());
    }

    @Test
    void aCommandThatSplicesIsRefusedWhenSaved() {
        List<String> splicing = List.of("rm -rf {{ params.dir }}", "echo {{params.x}}", "sh -c '{{ params.cmd }}'",
                "{{ params.command }}");
        for (String command : splicing) {
            Problems problems = new Problems();
            exec.check(new SshExecConfig("host", command, null, null, null, null), problems.at(".steps[0]"));
            assertThat(problems.list()).extracting(Problem::path).as(command).contains("$.steps[0].command");
        }
        System.out.printf("shell injection: %d splicing commands refused at save%n", splicing.size());
    }
}
