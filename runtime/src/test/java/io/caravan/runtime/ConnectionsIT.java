package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Named connections: secret fields sealed and never shown, a jdbc one used by sql steps, guarded while in use. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionsIT {

    private TestNode node;
    private String localUrl;

    @BeforeAll
    void start() throws Exception {
        node = TestNode.start();
        localUrl = node.caravan.databaseUrl().replace("/caravan", "/local");
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void aJdbcConnectionIsStoredSealedUsedByStepsTestedAndKeptWhileJobsUseIt() throws Exception {
        var created = node.call("POST", "/api/v1/connections", """
                {"name": "warehouse", "type": "jdbc", "config": {"url": "%s", "username": "postgres"},
                 "secrets": {"password": "pw-Sealed-77"}}""".formatted(localUrl));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode view = node.json(created);
        assertThat(view.get("secrets")).extracting(JsonNode::asText).containsExactly("password");
        assertThat(created.body()).doesNotContain("pw-Sealed-77").contains("\"username\":\"postgres\"");
        assertThat(node.call("GET", "/api/v1/connections/warehouse", null).body()).doesNotContain("pw-Sealed-77");
        assertThat(String.join(" ", node.query("select row_to_json(c)::text || ' ' || encode(sealed, 'escape')"
                + " from connections c"))).as("the raw row").doesNotContain("pw-Sealed-77");

        var tested = node.call("POST", "/api/v1/connections/warehouse/test", null);
        assertThat(node.json(tested).get("ok").asBoolean()).as(tested.body()).isTrue();

        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "reads-warehouse", "steps": [
                  {"id": "q", "type": "sql", "connection": "warehouse", "query": "select 40 + 2 as answer"},
                  {"id": "where", "type": "set", "variables": {"url": "{{ connections.warehouse.url }}"}}]}""")
                .statusCode()).isEqualTo(201);
        JsonNode done = node.awaitEnd(node.run("reads-warehouse", null));
        assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/steps/q/output/rows/0/answer").asInt()).isEqualTo(42);
        assertThat(context.at("/variables/url").asText()).isEqualTo(localUrl);

        var refused = node.call("DELETE", "/api/v1/connections/warehouse", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("reads-warehouse");
        assertThat(node.call("DELETE", "/api/v1/jobs/reads-warehouse", null).statusCode()).isEqualTo(204);
        assertThat(node.call("DELETE", "/api/v1/connections/warehouse", null).statusCode()).isEqualTo(204);
        assertThat(node.call("POST", "/api/v1/jobs/validate", """
                {"id": "x", "steps": [{"id": "q", "type": "sql", "connection": "warehouse", "query": "select 1"}]}""")
                .body()).contains("unknown connection 'warehouse'");
    }

    @Test
    void aConnectionMissingSettingsOrWithSecretsInItsConfigIsRefusedNamingEachField() throws Exception {
        var refused = node.call("POST", "/api/v1/connections", """
                {"name": "partner", "type": "sftp", "config": {"host": "sftp.example", "password": "x"},
                 "secrets": {"token": "y"}}""");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("$.config.username", "is required for a sftp connection",
                "$.config.password", "is secret: give it under secrets", "$.secrets.token");
        assertThat(node.call("POST", "/api/v1/connections", """
                {"name": "local", "type": "jdbc", "config": {"url": "jdbc:postgresql://x/y"}}""").statusCode())
                .as("the embedded database's name is taken").isEqualTo(400);
    }

    @Test
    void everyKindOfConnectionIsTriedForReal() throws Exception {
        try (SftpServer sftp = SftpServer.start(); Stub stub = new Stub()) {
            var buckets = node.caravan.objectStoreClient();
            if (!buckets.bucketExists(io.minio.BucketExistsArgs.builder().bucket(node.caravan.bucket()).build())) {
                buckets.makeBucket(io.minio.MakeBucketArgs.builder().bucket(node.caravan.bucket()).build());
            }
            save(sftp.connection("t_sftp", java.util.Map.of("password", SftpServer.PASSWORD)));
            save(sftp.connection("t_sftp_wrong", java.util.Map.of("password", "not-it")));
            var ssh = new java.util.HashMap<>(sftp.connection("t_ssh", java.util.Map.of("privateKey", sftp.clientKeyPem())));
            ssh.put("type", "ssh");
            save(ssh);
            save(java.util.Map.of("name", "t_s3", "type", "s3", "config", java.util.Map.of("endpoint", node.caravan.s3Endpoint(),
                    "bucket", node.caravan.bucket(), "accessKey", io.caravan.runtime.embedded.EmbeddedObjectStore.ACCESS_KEY),
                    "secrets", java.util.Map.of("secretKey", io.caravan.runtime.embedded.EmbeddedObjectStore.SECRET_KEY)));
            save(java.util.Map.of("name", "t_s3_nobucket", "type", "s3", "config", java.util.Map.of("endpoint",
                    node.caravan.s3Endpoint(), "bucket", "no-such-bucket", "accessKey",
                    io.caravan.runtime.embedded.EmbeddedObjectStore.ACCESS_KEY),
                    "secrets", java.util.Map.of("secretKey", io.caravan.runtime.embedded.EmbeddedObjectStore.SECRET_KEY)));
            save(java.util.Map.of("name", "t_http", "type", "http", "config", java.util.Map.of("base_url", stub.url("/items"))));
            save(java.util.Map.of("name", "t_http_down", "type", "http", "config", java.util.Map.of("base_url", "http://127.0.0.1:1/")));

            assertThat(tried("t_sftp")).startsWith("true logged in;");
            assertThat(tried("t_sftp_wrong")).startsWith("false");
            assertThat(tried("t_ssh")).startsWith("true logged in; server SSH-2.0");
            assertThat(tried("t_s3")).isEqualTo("true bucket " + node.caravan.bucket() + " is there");
            assertThat(tried("t_s3_nobucket")).isEqualTo("false no bucket no-such-bucket");
            assertThat(tried("t_http")).isEqualTo("true answered 200");
            assertThat(tried("t_http_down")).startsWith("false");
        }
        // no Windows host here: a stand-in /wsman that refuses the credentials, then one that takes them
        for (int status : new int[] {401, 200}) {
            com.sun.net.httpserver.HttpServer wsman = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
            wsman.createContext("/wsman", ex -> {
                seen.set(ex.getRequestHeaders().getFirst("Authorization") + " " + new String(ex.getRequestBody().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8));
                ex.sendResponseHeaders(status, -1);
                ex.close();
            });
            wsman.start();
            try {
                save(java.util.Map.of("name", "t_winrm", "type", "winrm", "config", java.util.Map.of("host", "127.0.0.1",
                        "port", wsman.getAddress().getPort(), "username", "ops"), "secrets", java.util.Map.of("password", "w1n-pw")));
                assertThat(tried("t_winrm")).isEqualTo(status == 200 ? "true WS-Management answered Identify"
                        : "false the credentials were refused (401)");
                assertThat(seen.get()).startsWith("Basic " + java.util.Base64.getEncoder().encodeToString("ops:w1n-pw".getBytes(
                        java.nio.charset.StandardCharsets.UTF_8))).contains("wsmid:Identify");
            } finally {
                wsman.stop(0);
            }
        }
    }

    private void save(java.util.Map<String, Object> connection) throws Exception {
        String name = (String) connection.get("name");
        boolean exists = node.call("GET", "/api/v1/connections/" + name, null).statusCode() == 200;
        var saved = exists ? node.call("PUT", "/api/v1/connections/" + name, TestNode.JSON.writeValueAsString(connection))
                : node.call("POST", "/api/v1/connections", TestNode.JSON.writeValueAsString(connection));
        assertThat(saved.statusCode()).as(saved.body()).isIn(200, 201);
    }

    /** "true|false detail-or-error" of {@code POST /connections/{name}/test}. */
    private String tried(String name) throws Exception {
        var r = node.call("POST", "/api/v1/connections/" + name + "/test", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = node.json(r);
        return body.get("ok").asBoolean() + " " + (body.has("detail") ? body.get("detail") : body.get("error")).asText();
    }
}
