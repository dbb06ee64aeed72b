package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Export and import: generated jobs exported, everything they need removed, the bundle imported
 * again — the same documents come back; no secret value is ever in a bundle; a dry run shows
 * what would change; missing secrets are listed and refused.
 */
class BundlesIT extends OneNode {

    private static final String DB_PASSWORD = "warehouse-pass-5531";
    private static final String API_KEY = "api-key-value-6612";
    private static final String CRM_KEY = "crm-header-key-9931";
    private static final String HOOK_KEY = "hook-key-value-from-the-store-0042";
    private static final String[] CRONS = {"0 0 * * * ?", "0 */5 * * * ?", "0 30 6 ? * MON-FRI"};
    private static final String[] ZONES = {"UTC", "Europe/Berlin", "America/New_York"};

    @Test
    void exportedJobsComeBackTheSameIntoAnInstanceThatHadNoneOfThem() throws Exception {
        Random random = new Random(20261122);
        List<String> literalSecrets = new ArrayList<>();
        Map<String, JsonNode> originals = new LinkedHashMap<>();
        secret("apiKey", API_KEY);
        secret("hookKey", HOOK_KEY);
        TestNode.expect(node.call("POST", "/api/v1/connections", TestNode.JSON.writeValueAsString(Map.of("name", "warehouse",
                "type", "jdbc", "config", Map.of("url", node.caravan.databaseUrl(), "username", "postgres"),
                "secrets", Map.of("password", DB_PASSWORD)))), 201);
        TestNode.expect(node.call("POST", "/api/v1/connections", TestNode.JSON.writeValueAsString(Map.of("name", "crm", "type", "http",
                "config", Map.of("base_url", "http://127.0.0.1:9/", "headers", Map.of("X-Api-Key", CRM_KEY))))), 201);
        for (int i = 0; i < 30; i++) {
            ObjectNode job = generate(random, i, literalSecrets);
            TestNode.expect(node.call("POST", "/api/v1/jobs", job.toString()), 201);
            originals.put(job.get("id").asText(), job);
        }

        JsonNode bundle = TestNode.expect(node.call("POST", "/api/v1/jobs/export", "{}"), 200);
        String text = bundle.toString();
        assertThat(text).as("no secret value in a bundle").doesNotContain(API_KEY).doesNotContain(CRM_KEY).doesNotContain(HOOK_KEY)
                .doesNotContain(DB_PASSWORD);
        literalSecrets.forEach(s -> assertThat(text).doesNotContain(s));
        assertThat(bundle.get("jobs")).hasSize(30);
        assertThat(bundle.get("connections")).extracting(c -> c.get("name").asText()).containsExactly("crm", "warehouse");
        assertThat(bundle.at("/connections/1/secrets/password/$secret").asText()).isEqualTo("warehouse.password");
        assertThat(bundle.at("/connections/0/config/headers/X-Api-Key/$secret").asText()).isEqualTo("crm.headers.X-Api-Key");
        assertThat(bundle.get("secrets")).extracting(JsonNode::asText).contains("apiKey", "hookKey");

        // an instance without these jobs, their connection or their secrets
        for (String id : originals.keySet()) {
            assertThat(node.call("DELETE", "/api/v1/jobs/" + id, null).statusCode()).isEqualTo(204);
        }
        assertThat(node.call("DELETE", "/api/v1/connections/warehouse", null).statusCode()).isEqualTo(204);
        assertThat(node.call("DELETE", "/api/v1/connections/crm", null).statusCode()).isEqualTo(204);
        assertThat(node.call("DELETE", "/api/v1/secrets/apiKey", null).statusCode()).isEqualTo(204);
        assertThat(node.call("DELETE", "/api/v1/secrets/hookKey", null).statusCode()).isEqualTo(204);

        ObjectNode request = TestNode.JSON.createObjectNode();
        request.set("bundle", bundle);
        request.put("dryRun", true);
        JsonNode dry = TestNode.expect(node.call("POST", "/api/v1/jobs/import", request.toString()), 200);
        assertThat(dry.get("ready").asBoolean()).isFalse();
        List<String> missing = new ArrayList<>();
        dry.get("missing_secrets").forEach(m -> missing.add(m.asText()));
        assertThat(missing).contains("apiKey", "hookKey", "warehouse.password", "crm.headers.X-Api-Key");
        assertThat(missing.stream().filter(m -> m.contains(".webhook."))).hasSize(literalSecrets.size());
        assertThat(dry.get("jobs")).allSatisfy(j -> assertThat(j.get("action").asText()).isEqualTo("create"));
        assertThat(node.query("select count(*)::text from jobs where id like 'gen-%'")).containsExactly("0");

        request.put("dryRun", false);
        HttpResponse<String> refused = node.call("POST", "/api/v1/jobs/import", request.toString());
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("apiKey", "warehouse.password");
        assertThat(node.query("select count(*)::text from jobs where id like 'gen-%'")).as("nothing written").containsExactly("0");

        ObjectNode values = request.putObject("secrets");
        values.put("apiKey", API_KEY).put("hookKey", HOOK_KEY).put("warehouse.password", DB_PASSWORD)
                .put("crm.headers.X-Api-Key", CRM_KEY);
        for (String name : missing) {
            if (name.contains(".webhook.")) {
                String job = name.substring(0, name.indexOf(".webhook."));
                int trigger = Integer.parseInt(name.substring(name.lastIndexOf('.') + 1));
                values.put(name, originals.get(job).at("/triggers/" + trigger + "/secret").asText());
            }
        }
        JsonNode applied = TestNode.expect(node.call("POST", "/api/v1/jobs/import", request.toString()), 200);
        assertThat(applied.get("applied").asBoolean()).isTrue();
        for (Map.Entry<String, JsonNode> original : originals.entrySet()) {
            JsonNode back = TestNode.expect(node.call("GET", "/api/v1/jobs/" + original.getKey(), null), 200).get("definition");
            assertThat(back).as(original.getKey()).isEqualTo(original.getValue());
        }
        TestNode.expect(node.call("POST", "/api/v1/connections/warehouse/test", null), 200);

        // the same bundle again changes nothing; a job changed here since shows its changes
        ObjectNode changed = (ObjectNode) originals.get("gen-3").deepCopy();
        changed.put("description", "changed here");
        TestNode.expect(node.call("PUT", "/api/v1/jobs/gen-3", changed.toString()), 200);
        request.put("dryRun", true);
        request.remove("secrets");
        JsonNode again = TestNode.expect(node.call("POST", "/api/v1/jobs/import", request.toString()), 200);
        assertThat(again.get("ready").asBoolean()).as("the secrets are here now").isTrue();
        for (JsonNode j : again.get("jobs")) {
            assertThat(j.get("action").asText()).as(j.get("id").asText()).isEqualTo(j.get("id").asText().equals("gen-3")
                    ? "update" : "unchanged");
        }
        JsonNode changes = again.get("jobs").findParent("changes").get("changes");
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).get("op").asText()).as("from what is here to what the bundle holds").isEqualTo("remove");
        assertThat(changes.get(0).get("path").asText()).isEqualTo("/description");
        assertThat(again.get("connections")).allSatisfy(c -> assertThat(c.get("action").asText()).isEqualTo("unchanged"));
    }

    @Test
    void aBundleThatIsNotValidIsRefusedWithEveryProblemAtItsPlace() throws Exception {
        HttpResponse<String> r = node.call("POST", "/api/v1/jobs/import", """
                {"bundle": {"caravan_bundle": 1, "jobs": [
                   {"definition": {"id": "bad one", "steps": []}},
                   {"definition": {"id": "uses-nothing", "steps": [{"id": "q", "type": "sql", "connection": "nowhere", "query": "select 1"}]}}],
                 "connections": [{"name": "x", "type": "ftp", "config": {}}]}}""");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("$.bundle.jobs[0].definition.id", "$.bundle.jobs[1].definition.steps[0].connection",
                "$.bundle.connections[0].type");
        assertThat(node.call("POST", "/api/v1/jobs/import", "{\"bundle\": {\"jobs\": 3}}").statusCode()).isEqualTo(400);
        HttpResponse<String> shapes = node.call("POST", "/api/v1/jobs/import", """
                {"bundle": {"caravan_bundle": 1, "connections": {"x": {}}, "secrets": ["not a name"], "jobs": [
                   {"definition": {"id": "twice", "triggers": {"a": {}}, "steps": []}},
                   {"definition": {"id": "twice", "steps": []}}]}}""");
        assertThat(shapes.statusCode()).as("shapes a bundle cannot have: 400, never 500").isEqualTo(400);
        assertThat(shapes.body()).contains("$.bundle.connections", "$.bundle.secrets[0]", "$.bundle.jobs[0].definition.triggers",
                "$.bundle.jobs[1].definition.id");
        assertThat(node.call("POST", "/api/v1/jobs/export", "{\"jobs\": [\"no-such-job\"]}").statusCode()).isEqualTo(404);
    }

    private ObjectNode generate(Random random, int n, List<String> literalSecrets) {
        ObjectNode job = TestNode.JSON.createObjectNode().put("id", "gen-" + n);
        if (random.nextBoolean()) {
            job.put("name", "Generated job " + n);
        }
        if (random.nextBoolean()) {
            job.putArray("tags").add("generated").add(random.nextBoolean() ? "finance" : "ops");
        }
        ObjectNode params = job.putObject("params");
        params.putObject("limit").put("type", "integer").put("default", random.nextInt(100)).put("minimum", 0);
        if (random.nextBoolean()) {
            params.putObject("region").put("type", "string").put("default", "eu").putArray("enum").add("eu").add("us");
        }
        ArrayNode triggers = job.putArray("triggers");
        switch (random.nextInt(4)) {
            case 0 -> {
                String secret = "literal-hook-secret-" + n + "-" + Long.toHexString(random.nextLong());
                literalSecrets.add(secret);
                triggers.addObject().put("type", "webhook").put("secret", secret);
            }
            case 1 -> triggers.addObject().put("type", "webhook").put("secret", "{{ secrets.hookKey }}");
            case 2 -> triggers.addObject().put("type", "schedule").put("cron", CRONS[random.nextInt(CRONS.length)])
                    .put("timezone", ZONES[random.nextInt(ZONES.length)]).put("misfire", "skip");
            default -> { }
        }
        ArrayNode steps = job.putArray("steps");
        int count = 1 + random.nextInt(4);
        for (int s = 0; s < count; s++) {
            switch (random.nextInt(5)) {
                case 0 -> steps.addObject().put("id", "s" + s).put("type", "log").put("message", "limit {{ params.limit }}");
                case 1 -> steps.addObject().put("id", "s" + s).put("type", "set").putObject("variables")
                        .put("v" + s, random.nextInt(1000));
                case 2 -> steps.addObject().put("id", "s" + s).put("type", "sql").put("connection", "warehouse")
                        .put("query", "select :n as n").putObject("parameters").put("n", "{{ params.limit }}");
                case 3 -> steps.addObject().put("id", "s" + s).put("type", "http").put("url", "http://127.0.0.1:9/x")
                        .putObject("headers").put("Authorization", "Bearer {{ secrets.apiKey }}");
                default -> steps.addObject().put("id", "s" + s).put("type", "http")
                        .put("url", "{{ connections.crm.base_url }}orders");
            }
        }
        return job;
    }

    private void secret(String name, String value) throws Exception {
        TestNode.expect(node.call("PUT", "/api/v1/secrets/" + name, "{\"value\": \"" + value + "\"}"), 201);
    }

}
