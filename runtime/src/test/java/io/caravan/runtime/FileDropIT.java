package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** SFTP file drops against a real SFTP server (Apache MINA SSHD, in-process). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileDropIT {

    private SftpServer sftp;
    private TestNode node;

    @BeforeAll
    void start() throws Exception {
        sftp = SftpServer.start();
        node = TestNode.start();
    }

    @AfterAll
    void stop() throws Exception {
        node.close();
        sftp.close();
    }

    @Test
    void droppedFilesEachStartOneRunWithTheFileInS3AndAnUnknownHostKeyIsRefused() throws Exception {
        Files.createDirectories(sftp.files().resolve("inbox"));
        connection("partner", Map.of("password", SftpServer.PASSWORD));
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "orders-drop", "triggers": [{"type": "sftp", "connection": "partner", "directory": "/inbox",
                  "include": "*.csv"}],
                 "steps": [{"id": "say", "type": "log", "message": "got {{ trigger.file.name }} ({{ files[0].size }} bytes)"}]}""")
                .statusCode()).isEqualTo(201);
        for (String name : List.of("a", "b", "c", "d", "e")) {
            Files.writeString(sftp.files().resolve("inbox/" + name + ".csv"), "id,qty\n" + name + ",1\n");
        }
        Files.writeString(sftp.files().resolve("inbox/notes.txt"), "not a csv");

        await().atMost(Duration.ofSeconds(30)).until(() -> ended("orders-drop") == 5);
        Thread.sleep(2_500); // further polls take nothing again
        assertThat(node.query("select count(*)::text from executions where job_id = 'orders-drop'")).containsExactly("5");
        String id = node.query("select id::text from executions where job_id = 'orders-drop'"
                + " and trigger -> 'file' ->> 'name' = 'c.csv'").get(0);
        JsonNode done = node.awaitEnd(id);
        assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/execution/trigger/file/connection").asText()).isEqualTo("partner");
        assertThat(context.at("/files/0/filename").asText()).isEqualTo("c.csv");
        assertThat(context.at("/steps/say/output/message").asText()).isEqualTo("got c.csv (11 bytes)");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sftp.names("inbox/.done"))
                .as("moved once their executions succeeded").containsExactly("a.csv", "b.csv", "c.csv", "d.csv", "e.csv"));
        assertThat(sftp.names("inbox")).containsExactly(".done", "notes.txt");
        assertThat(node.query("select count(*)::text from file_drops where key like 'orders-drop/%' and disposed_at is not null"))
                .containsExactly("5");
        assertThat(node.caravan.camel().getRoute("job.orders-drop.sftp.0")).isNotNull();
        assertThat(node.caravan.camel().getRoute("job.orders-drop.sftp.0").getEndpoint().getEndpointUri())
                .as("no credentials in the endpoint's URI").doesNotContain(SftpServer.PASSWORD);

        // a server whose key is not the one the connection knows is refused: nothing is taken
        Files.createDirectories(sftp.files().resolve("elsewhere"));
        var stranger = new java.util.HashMap<>(sftp.connection("stranger", Map.of("password", SftpServer.PASSWORD)));
        stranger.put("config", Map.of("host", "127.0.0.1", "port", sftp.port(), "username", SftpServer.USER,
                "knownHosts", sftp.knownHosts().replace("[127.0.0.1]:" + sftp.port(), "[127.0.0.1]:1")));
        assertThat(node.call("POST", "/api/v1/connections", TestNode.JSON.writeValueAsString(stranger)).statusCode()).isEqualTo(201);
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "stranger-drop", "triggers": [{"type": "sftp", "connection": "stranger", "directory": "/elsewhere"}],
                 "steps": [{"id": "say", "type": "log", "message": "{{ trigger.file.name }}"}]}""").statusCode()).isEqualTo(201);
        Files.writeString(sftp.files().resolve("elsewhere/x.csv"), "x");
        Thread.sleep(4_000);
        assertThat(node.query("select count(*)::text from executions where job_id = 'stranger-drop'")).containsExactly("0");
    }

    @Test
    void aFileWhoseExecutionFailsIsMovedToError() throws Exception {
        Files.createDirectories(sftp.files().resolve("failing"));
        connection("partner2", Map.of("password", SftpServer.PASSWORD));
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "failing-drop", "triggers": [{"type": "sftp", "connection": "partner2", "directory": "/failing",
                  "after": "delete"}],
                 "steps": [{"id": "boom", "type": "sql", "connection": "local", "query": "select 1 / 0"}]}""")
                .statusCode()).isEqualTo(201);
        Files.writeString(sftp.files().resolve("failing/bad.csv"), "x");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(sftp.names("failing/.error")).containsExactly("bad.csv"));
        assertThat(node.query("select status from executions where job_id = 'failing-drop'")).containsExactly("FAILED");
    }

    @Test
    void aPrivateKeyLogsInAndAFileStillBeingWrittenIsTakenWholeOnceItStops() throws Exception {
        Files.createDirectories(sftp.files().resolve("keyed"));
        connection("keyed", Map.of("privateKey", sftp.clientKeyPem()));
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "keyed-drop", "triggers": [{"type": "sftp", "connection": "keyed", "directory": "/keyed", "after": "delete"}],
                 "steps": [{"id": "size", "type": "log", "message": "{{ files[0].size }}"}]}""").statusCode()).isEqualTo(201);
        Path growing = sftp.files().resolve("keyed/growing.csv");
        long written = 0;
        try (OutputStream out = Files.newOutputStream(growing)) {
            for (int i = 0; i < 12; i++) { // 6 s of a slow writer, longer than the consumer's stability window
                byte[] line = ("row " + i + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(line);
                out.flush();
                written += line.length;
                Thread.sleep(500);
                assertThat(node.query("select count(*)::text from executions where job_id = 'keyed-drop'"))
                        .as("not taken while it is still being written").containsExactly("0");
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ended("keyed-drop") == 1);
        String id = node.query("select id::text from executions where job_id = 'keyed-drop'").get(0);
        JsonNode context = node.object(node.awaitEnd(id).get("context_path").asText());
        assertThat(context.at("/steps/size/output/message").asText()).as("the whole file").isEqualTo(String.valueOf(written));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(growing));
    }

    @Test
    void aDisposalThatFailsIsMadeAgainLater() throws Exception {
        Files.createDirectories(sftp.files().resolve("blocked"));
        Files.writeString(sftp.files().resolve("blocked/.done"), "a file where the .done directory should be");
        connection("partner3", Map.of("password", SftpServer.PASSWORD));
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "blocked-drop", "triggers": [{"type": "sftp", "connection": "partner3", "directory": "/blocked"}],
                 "steps": [{"id": "say", "type": "log", "message": "{{ trigger.file.name }}"}]}""").statusCode()).isEqualTo(201);
        Files.writeString(sftp.files().resolve("blocked/late.csv"), "x");
        await().atMost(Duration.ofSeconds(20)).until(() -> !node.query("select last_error from file_drops"
                + " where key like 'blocked-drop/%' and last_error is not null").isEmpty());
        assertThat(sftp.names("blocked")).containsExactly(".done", "late.csv");

        Files.delete(sftp.files().resolve("blocked/.done"));
        // what the backoff would do in a few minutes: the execution ended long ago, the next attempt is due
        node.sql("update executions set completed_at = now() - interval '1 minute' where job_id = 'blocked-drop'");
        node.sql("update file_drops set next_attempt_at = now() where key like 'blocked-drop/%'");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(sftp.names("blocked/.done")).containsExactly("late.csv"));
        assertThat(node.query("select attempts::text from file_drops where key like 'blocked-drop/%'")).containsExactly("2");
    }

    private void connection(String name, Map<String, String> secrets) throws Exception {
        var created = node.call("POST", "/api/v1/connections", TestNode.JSON.writeValueAsString(sftp.connection(name, secrets)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private int ended(String job) throws Exception {
        return Integer.parseInt(node.query("select count(*)::text from executions where job_id = ?"
                + " and status = 'SUCCESS'", job).get(0));
    }
}
