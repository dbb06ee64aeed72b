package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** SFTP file drops against a real SFTP server (Apache MINA SSHD, in-process). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileDropIT {

    private Path root;

    private SshServer sftp;
    private String knownHosts;
    private TestNode node;

    @BeforeAll
    void start() throws Exception {
        root = Files.createTempDirectory("caravan-sftp");
        Files.createDirectories(root.resolve("inbox"));
        Files.createDirectories(root.resolve("elsewhere"));
        sftp = SshServer.setUpDefaultServer();
        sftp.setHost("127.0.0.1");
        sftp.setPort(0);
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(root.resolve("hostkey.ser"));
        keys.setAlgorithm(KeyUtils.RSA_ALGORITHM);
        sftp.setKeyPairProvider(keys);
        sftp.setPasswordAuthenticator((user, password, session) -> "etl".equals(user) && "etl-pw-9".equals(password));
        sftp.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sftp.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sftp.start();
        knownHosts = "[127.0.0.1]:" + sftp.getPort() + " "
                + PublicKeyEntry.toString(keys.loadKeys(null).iterator().next().getPublic());
        node = TestNode.start();
    }

    @AfterAll
    void stop() throws Exception {
        node.close();
        sftp.stop(true);
        TestNode.deleteTree(root);
    }

    @Test
    void droppedFilesEachStartOneRunWithTheFileInS3AndAnUnknownHostKeyIsRefused() throws Exception {
        connection("partner", knownHosts);
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "orders-drop", "triggers": [{"type": "sftp", "connection": "partner", "directory": "/inbox",
                  "include": "*.csv"}],
                 "steps": [{"id": "say", "type": "log", "message": "got {{ trigger.file.name }} ({{ files[0].size }} bytes)"}]}""")
                .statusCode()).isEqualTo(201);
        for (String name : List.of("a", "b", "c", "d", "e")) {
            Files.writeString(root.resolve("inbox/" + name + ".csv"), "id,qty\n" + name + ",1\n");
        }
        Files.writeString(root.resolve("inbox/notes.txt"), "not a csv");

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
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(names(root.resolve("inbox/.done")))
                .as("moved once their executions succeeded").containsExactlyInAnyOrder("a.csv", "b.csv", "c.csv", "d.csv", "e.csv"));
        assertThat(names(root.resolve("inbox"))).containsExactlyInAnyOrder(".done", "notes.txt");
        assertThat(node.caravan.camel().getRoute("job.orders-drop.sftp.0")).isNotNull();
        assertThat(node.caravan.camel().getRoute("job.orders-drop.sftp.0").getEndpoint().getEndpointUri())
                .as("no credentials in the endpoint's URI").doesNotContain("etl-pw-9");

        // a server whose key is not the one the connection knows is refused: nothing is taken
        connection("stranger", knownHosts.replace("[127.0.0.1]:" + sftp.getPort(), "[127.0.0.1]:1"));
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "stranger-drop", "triggers": [{"type": "sftp", "connection": "stranger", "directory": "/elsewhere"}],
                 "steps": [{"id": "say", "type": "log", "message": "{{ trigger.file.name }}"}]}""").statusCode()).isEqualTo(201);
        Files.writeString(root.resolve("elsewhere/x.csv"), "x");
        Thread.sleep(4_000);
        assertThat(node.query("select count(*)::text from executions where job_id = 'stranger-drop'")).containsExactly("0");
    }

    @Test
    void aFileWhoseExecutionFailsIsMovedToError() throws Exception {
        Files.createDirectories(root.resolve("failing"));
        connection("partner2", knownHosts);
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "failing-drop", "triggers": [{"type": "sftp", "connection": "partner2", "directory": "/failing",
                  "after": "delete"}],
                 "steps": [{"id": "boom", "type": "sql", "connection": "local", "query": "select 1 / 0"}]}""")
                .statusCode()).isEqualTo(201);
        Files.writeString(root.resolve("failing/bad.csv"), "x");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(names(root.resolve("failing/.error"))).containsExactly("bad.csv"));
        assertThat(node.query("select status from executions where job_id = 'failing-drop'")).containsExactly("FAILED");
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private void connection(String name, String hosts) throws Exception {
        var created = node.call("POST", "/api/v1/connections", TestNode.JSON.writeValueAsString(java.util.Map.of(
                "name", name, "type", "sftp",
                "config", java.util.Map.of("host", "127.0.0.1", "port", sftp.getPort(), "username", "etl", "knownHosts", hosts),
                "secrets", java.util.Map.of("password", "etl-pw-9"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private int ended(String job) throws Exception {
        return Integer.parseInt(node.query("select count(*)::text from executions where job_id = ?"
                + " and status = 'SUCCESS'", job).get(0));
    }
}
