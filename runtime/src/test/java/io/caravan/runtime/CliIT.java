package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The command line as authors use it: {@code java -jar caravan.jar <command>} in its own process, exit codes and output. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {

    private static final String JOB = """
            {"id": "cli-hello", "params": {"who": {"type": "string", "default": "world"}, "n": {"type": "integer", "default": 2}},
             "steps": [{"id": "greet", "type": "log", "message": "hello {{ params.who }}"},
                       {"id": "calc", "type": "set", "variables": {"twice": "{{ params.n * 2 }}"}}]}""";

    private Path dir;
    private TestNode node;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("caravan-cli");
        Files.writeString(dir.resolve("hello.json"), JOB);
        Files.writeString(dir.resolve("bad.json"), "{\"id\": \"Bad Id\", \"steps\": [{\"id\": \"a\", \"type\": \"nope\"}]}");
        Files.writeString(dir.resolve("broken.json"), "{\"id\": ");
        node = TestNode.start();
    }

    @AfterAll
    void stop() {
        node.close();
        TestNode.deleteTree(dir);
    }

    @Test
    void validateChecksFilesOfflineWithEveryProblemAtItsPath() throws Exception {
        Result ok = cli("validate", file("hello.json"));
        assertThat(ok.code).isZero();
        assertThat(ok.out).contains("hello.json: valid");

        Result bad = cli("validate", file("hello.json"), file("bad.json"), file("broken.json"));
        assertThat(bad.code).isEqualTo(1);
        assertThat(bad.out).contains("bad.json: $.id: must be 1 to 63 lower-case letters",
                "bad.json: $.steps[0].type: unknown step type \"nope\"", "broken.json: $: cannot be read",
                "2 of 3 file(s) not valid");
        assertThat(cli("validate").code).as("no file: a usage error").isEqualTo(2);
    }

    @Test
    void runExecutesAFileLocallyAndPrintsItsStepsAndOutputs() throws Exception {
        Result ran = cli("run", file("hello.json"), "--param", "who=caravan", "-p", "n=21");
        assertThat(ran.code).as(ran.out).isZero();
        assertThat(ran.out).contains("hello caravan", "of cli-hello (version 1): SUCCESS", "greet", "calc",
                "output: {\"twice\":42}");
        Result refused = cli("run", file("hello.json"), "-p", "n=many");
        assertThat(refused.code).isEqualTo(1);
        assertThat(refused.out).contains("$.params.n: must be an integer");
    }

    @Test
    void pushPullExportImportRunsAndLogsTalkToAServer() throws Exception {
        Result pushed = remote("push", file("hello.json"), "-m", "first");
        assertThat(pushed.code).as(pushed.out).isZero();
        assertThat(pushed.out).contains("cli-hello created, version 1");
        assertThat(remote("push", file("hello.json")).out).contains("cli-hello unchanged, version 1");
        Files.writeString(dir.resolve("hello2.json"), JOB.replace("hello {{", "hi {{"));
        assertThat(remote("push", file("hello2.json")).out).contains("cli-hello updated to version 2");
        assertThat(remote("push", file("bad.json")).code).isEqualTo(1);

        Path pulled = dir.resolve("pulled");
        assertThat(remote("pull", "cli-hello", "-o", pulled.toString()).code).isZero();
        assertThat(TestNode.JSON.readTree(pulled.resolve("cli-hello.json").toFile()))
                .isEqualTo(TestNode.JSON.readTree(JOB.replace("hello {{", "hi {{")));

        String id = node.run("cli-hello", null);
        node.awaitEnd(id);
        Result runs = remote("runs", "cli-hello");
        assertThat(runs.out).contains(id, "SUCCESS");
        Result logs = remote("logs", id);
        assertThat(logs.code).isZero();
        assertThat(logs.out).contains("execution " + id + " of cli-hello (version 2): SUCCESS", "greet", "output:");
        assertThat(logs.out).as("the execution's own log first").contains("INFO [greet] hi world");
        Result followed = remote("logs", "--follow", id); // ended already: prints and returns
        assertThat(followed.code).isZero();
        assertThat(followed.out).contains("INFO [greet] hi world");

        Path bundle = dir.resolve("bundle.json");
        Result exported = remote("export", "cli-hello", "-o", bundle.toString());
        assertThat(exported.code).as(exported.out).isZero();
        assertThat(exported.out).contains("1 job(s)");
        Result dry = remote("import", bundle.toString(), "--dry-run");
        assertThat(dry.code).isZero();
        assertThat(dry.out).contains("cli-hello", "unchanged", "dry run: nothing written");

        assertThat(cli("runs", "--server", node.base(), "--token", "wrong").out).contains("refused: 401");
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private Result remote(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", node.base(), "--token", TestNode.TOKEN));
        return cli(all.toArray(String[]::new));
    }

    private record Result(int code, String out) {
    }

    /** Runs {@code java -jar target/caravan.jar args…} and returns its exit code and output (both streams). */
    private static Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "caravan.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
