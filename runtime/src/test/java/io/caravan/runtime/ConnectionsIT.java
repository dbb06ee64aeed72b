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
}
