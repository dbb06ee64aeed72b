package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sftp step kinds on a whole node, with connections made through the API (so their settings
 * and secrets reach the steps as the runtime binds them): a receipt written, uploaded, listed,
 * downloaded, read back and deleted; a refused login fails at once, retries or not.
 */
class SftpStepsIT extends OneNode {

    private SftpServer sftp;

    @BeforeAll
    void startServer() throws Exception {
        sftp = SftpServer.start();
    }

    @AfterAll
    void stopServer() throws Exception {
        sftp.close();
    }

    private void connection(String name, Map<String, String> secrets) throws Exception {
        HttpResponse<String> created = node.call("POST", "/api/v1/connections",
                TestNode.JSON.writeValueAsString(sftp.connection(name, secrets)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @Test
    void aReceiptGoesUpIsListedComesBackAndIsDeleted() throws Exception {
        connection("partner-sftp", Map.of("password", SftpServer.PASSWORD));
        connection("partner_key", Map.of("privateKey", sftp.clientKeyPem()));
        HttpResponse<String> job = node.call("POST", "/api/v1/jobs", """
                {"id": "receipts", "steps": [
                  {"id": "receipt", "type": "csv.write", "file": "receipt-{{ execution.id }}.csv",
                   "rows": [{"file": "orders.csv", "rows": 3}]},
                  {"id": "send", "type": "sftp.upload", "connection": "partner-sftp",
                   "file": "{{ steps.receipt.output.file }}", "to": "/outbox/receipts/"},
                  {"id": "look", "type": "sftp.list", "connection": "partner_key", "directory": "/outbox",
                   "include": "receipt-*.csv", "recursive": true},
                  {"id": "fetch", "type": "sftp.download", "connection": "partner_key", "from": "/outbox/",
                   "include": "*.csv", "recursive": true},
                  {"id": "check", "type": "csv.read", "file": "{{ steps.fetch.output.file }}"},
                  {"id": "tidy", "type": "sftp.delete", "connection": "partner-sftp", "directory": "/outbox",
                   "include": "receipt-*.csv", "recursive": true}
                ]}""");
        assertThat(job.statusCode()).as(job.body()).isEqualTo(201);

        String id = node.run("receipts", "{}");
        JsonNode done = node.awaitEnd(id);

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
        JsonNode context = node.object(done.get("context_path").asText());
        String name = "receipt-" + id + ".csv";
        assertThat(context.at("/steps/send/output/uploaded/0/path").asText()).isEqualTo("/outbox/receipts/" + name);
        assertThat(context.at("/steps/look/output/entries/0/path").asText()).isEqualTo("/outbox/receipts/" + name);
        assertThat(context.at("/steps/look/output/count").asInt()).isEqualTo(1);
        assertThat(context.at("/steps/fetch/output/file/filename").asText()).isEqualTo("receipts_" + name);
        assertThat(context.at("/steps/fetch/output/file/remote_path").asText()).isEqualTo("/outbox/receipts/" + name);
        assertThat(context.at("/steps/check/output/rows/0/rows").asText()).isEqualTo("3");
        assertThat(context.at("/steps/tidy/output/count").asInt()).isEqualTo(1);
        assertThat(sftp.names("outbox/receipts")).isEmpty();
        assertThat(context.get("files")).extracting(f -> f.get("filename").asText())
                .containsExactly(name, "receipts_" + name);
    }

    @Test
    void aRefusedLoginFailsTheStepOnceEvenWithRetries() throws Exception {
        connection("wrong_sftp", Map.of("password", "not-the-password"));
        Files.createDirectories(sftp.files().resolve("anything"));
        HttpResponse<String> job = node.call("POST", "/api/v1/jobs", """
                {"id": "refused", "defaults": {"retry": {"attempts": 3, "delay": "PT0.1S"}},
                 "steps": [{"id": "look", "type": "sftp.list", "connection": "wrong_sftp", "directory": "/anything"}]}""");
        assertThat(job.statusCode()).as(job.body()).isEqualTo(201);

        JsonNode done = node.awaitEnd(node.run("refused", "{}"));

        assertThat(done.get("status").asText()).isEqualTo("FAILED");
        assertThat(done.at("/steps/0/attempts").asInt()).isEqualTo(1);
        assertThat(done.at("/errors/0/message").asText()).contains("refused the login")
                .doesNotContain("not-the-password");
    }
}
