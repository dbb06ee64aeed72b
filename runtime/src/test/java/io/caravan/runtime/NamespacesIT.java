package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Namespaces: the same job id in two namespaces, each running with its own connections and
 * secrets; a token of one namespace sees nothing of the other (404, never 403), neither by path,
 * nor in lists, nor in the event stream; and what is moved between them goes by export and import.
 */
class NamespacesIT extends OneNode {

    private String alpha;
    private String beta;
    private String alphaRun;
    private String betaRun;

    /** A job {@code report} that reads a secret and a connection's setting, both by their names within its namespace. */
    private static String report(String namespace) {
        return "{\"id\": \"report\"" + (namespace == null ? "" : ", \"namespace\": \"" + namespace + "\"")
                + ", \"steps\": [{\"id\": \"say\", \"type\": \"set\", \"variables\": {"
                + "\"own_secret\": \"{{ secrets.api_key == '" + namespace + "-secret-value' }}\","
                + " \"host\": \"{{ connections.partner.host }}\"}}]}";
    }

    private static String partner(String namespace, String host) {
        return "{\"name\": \"partner\"" + (namespace == null ? "" : ", \"namespace\": \"" + namespace + "\"")
                + ", \"type\": \"sftp\", \"config\": {\"host\": \"" + host + "\", \"username\": \"u\"}}";
    }

    @BeforeAll
    void twoNamespaces() throws Exception {
        alpha = token("{\"name\": \"alpha-admin\", \"grants\": {\"alpha\": \"admin\"}}");
        beta = token("{\"name\": \"beta-viewer\", \"grants\": {\"beta\": \"viewer\"}}");
        TestNode.expect(node.call("POST", "/api/v1/connections", partner("alpha", "alpha.example"), alpha), 201);
        TestNode.expect(node.call("POST", "/api/v1/connections", partner("beta", "beta.example")), 201);
        TestNode.expect(node.call("PUT", "/api/v1/secrets/api_key?namespace=alpha", "{\"value\": \"alpha-secret-value\"}", alpha), 201);
        TestNode.expect(node.call("PUT", "/api/v1/secrets/beta.api_key", "{\"value\": \"beta-secret-value\"}"), 201);
        JsonNode created = TestNode.expect(node.call("POST", "/api/v1/jobs", report("alpha"), alpha), 201);
        assertThat(created.path("id").asText()).isEqualTo("report");
        assertThat(created.path("namespace").asText()).isEqualTo("alpha");
        assertThat(created.path("key").asText()).isEqualTo("alpha.report");
        TestNode.expect(node.call("POST", "/api/v1/jobs", report("beta")), 201);
        alphaRun = TestNode.expect(node.call("POST", "/api/v1/jobs/report/executions?namespace=alpha", "{}", alpha), 202)
                .path("id").asText();
        betaRun = node.run("beta.report", null);
        node.awaitEnd(alphaRun);
        node.awaitEnd(betaRun);
    }

    private String token(String body) throws Exception {
        return TestNode.expect(node.call("POST", "/api/v1/tokens", body), 201).get("token").asText();
    }

    @Test
    void theSameIdRunsInEachNamespaceWithThatNamespacesConnectionsAndSecrets() throws Exception {
        for (String[] run : List.of(new String[] {alphaRun, "alpha"}, new String[] {betaRun, "beta"})) {
            JsonNode execution = TestNode.expect(node.call("GET", "/api/v1/executions/" + run[0], null), 200);
            assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("SUCCESS");
            assertThat(execution.path("job_id").asText()).isEqualTo(run[1] + ".report");
            assertThat(execution.path("namespace").asText()).isEqualTo(run[1]);
            JsonNode context = TestNode.expect(node.call("GET", "/api/v1/executions/" + run[0] + "/context", null), 200);
            assertThat(context.at("/variables/host").asText()).isEqualTo(run[1] + ".example");
            // the secret the step was given is the namespace's own (its value is masked in the checkpoint)
            assertThat(context.at("/variables/own_secret").asText()).isEqualTo("true");
        }
        // a job of the default namespace does not see a namespace's secrets or connections
        TestNode.expect(node.call("POST", "/api/v1/jobs", report(null)), 201);
        JsonNode plain = node.awaitEnd(node.run("report", null));
        assertThat(plain.path("status").asText()).as(plain.toString()).isEqualTo("FAILED");
        assertThat(plain.toString()).doesNotContain("alpha.example").doesNotContain("beta.example");
        TestNode.expect(node.call("DELETE", "/api/v1/jobs/report", null), 204);
    }

    @Test
    void aTokenOfOneNamespaceSeesNothingOfAnother() throws Exception {
        List<String> paths = new ArrayList<>(List.of("/api/v1/jobs/beta.report", "/api/v1/jobs/report?namespace=beta",
                "/api/v1/jobs/beta.report/versions", "/api/v1/jobs/beta.report/route", "/api/v1/jobs/beta.report/stats",
                "/api/v1/executions/" + betaRun, "/api/v1/executions/" + betaRun + "/context",
                "/api/v1/executions/" + betaRun + "/logs", "/api/v1/connections/beta.partner",
                "/api/v1/connections/partner?namespace=beta", "/api/v1/secrets/beta.api_key",
                "/api/v1/jobs?namespace=beta", "/api/v1/executions?namespace=beta",
                // the default namespace is another namespace too
                "/api/v1/jobs/nothing-here"));
        int calls = 0;
        for (String path : paths) {
            HttpResponse<String> r = node.call("GET", path, null, alpha);
            calls++;
            assertThat(r.statusCode()).as("GET %s as alpha's admin: %s", path, r.body()).isEqualTo(404);
            assertThat(r.body()).doesNotContain("beta-secret-value").doesNotContain("beta.example");
        }
        for (String[] write : List.of(new String[] {"POST", "/api/v1/jobs/beta.report/executions", "{}"},
                new String[] {"POST", "/api/v1/executions/" + betaRun + "/retry", null},
                new String[] {"POST", "/api/v1/executions/" + betaRun + "/cancel", null},
                new String[] {"DELETE", "/api/v1/jobs/beta.report", null},
                new String[] {"PUT", "/api/v1/jobs/beta.report", report("beta")},
                new String[] {"POST", "/api/v1/jobs", report("beta")},
                new String[] {"POST", "/api/v1/connections", partner("beta", "evil.example")},
                new String[] {"PUT", "/api/v1/secrets/beta.api_key", "{\"value\": \"overwritten\"}"},
                new String[] {"DELETE", "/api/v1/connections/beta.partner", null})) {
            HttpResponse<String> r = node.call(write[0], write[1], write[2], alpha);
            calls++;
            assertThat(r.statusCode()).as("%s %s as alpha's admin: %s", write[0], write[1], r.body()).isEqualTo(404);
        }
        // the lists show each token its own namespace only
        JsonNode jobs = TestNode.expect(node.call("GET", "/api/v1/jobs", null, alpha), 200);
        assertThat(jobs.path("items")).extracting(j -> j.path("key").asText()).contains("alpha.report")
                .allMatch(key -> key.startsWith("alpha."));
        JsonNode runs = TestNode.expect(node.call("GET", "/api/v1/executions", null, alpha), 200);
        assertThat(runs.path("items")).extracting(j -> j.path("id").asText()).contains(alphaRun).doesNotContain(betaRun);
        assertThat(runs.path("items")).extracting(j -> j.path("namespace").asText()).containsOnly("alpha");
        JsonNode connections = TestNode.expect(node.call("GET", "/api/v1/connections", null, alpha), 200);
        assertThat(connections.path("items")).extracting(c -> c.path("namespace").asText() + "/" + c.path("name").asText())
                .containsExactly("alpha/partner");
        JsonNode secrets = TestNode.expect(node.call("GET", "/api/v1/secrets", null, alpha), 200);
        assertThat(secrets.path("items")).extracting(c -> c.path("namespace").asText() + "/" + c.path("name").asText())
                .containsExactly("alpha/api_key");
        JsonNode export = TestNode.expect(node.call("POST", "/api/v1/jobs/export", "{}", alpha), 200);
        assertThat(export.path("jobs")).isNotEmpty();
        assertThat(export.toString()).doesNotContain("beta");
        JsonNode namespaces = TestNode.expect(node.call("GET", "/api/v1/namespaces", null, alpha), 200);
        assertThat(namespaces.path("items")).hasSize(1);
        assertThat(namespaces.at("/items/0/name").asText()).isEqualTo("alpha");
        assertThat(namespaces.at("/items/0/role").asText()).isEqualTo("admin");
        assertThat(namespaces.at("/items/0/connections").asInt()).isEqualTo(1);
        assertThat(namespaces.at("/items/0/secrets").asInt()).isEqualTo(1);
        JsonNode every = TestNode.expect(node.call("GET", "/api/v1/namespaces", null), 200);
        assertThat(every.path("items")).extracting(n -> n.path("name").asText()).contains("alpha", "beta");
        // a viewer of beta reads beta, and may not change it (403: it may know it is there)
        TestNode.expect(node.call("GET", "/api/v1/jobs/beta.report", null, beta), 200);
        assertThat(node.call("DELETE", "/api/v1/jobs/beta.report", null, beta).statusCode()).isEqualTo(403);
        assertThat(node.call("GET", "/api/v1/jobs/alpha.report", null, beta).statusCode()).isEqualTo(404);
        calls += 3;
        // the audit log: alpha's admin sees what touched alpha, nothing of beta
        JsonNode audit = TestNode.expect(node.call("GET", "/api/v1/audit", null, alpha), 200);
        assertThat(audit.path("items")).isNotEmpty()
                .allSatisfy(entry -> assertThat(entry.path("namespace").asText()).isEqualTo("alpha"));
        System.out.printf("NAMESPACES isolation: %d cross-namespace calls, every one refused as not found%n", calls);
    }

    @Test
    void ajobsNamespaceCannotChangeAndABundleMovesJobsBetweenNamespaces() throws Exception {
        HttpResponse<String> moved = node.call("PUT", "/api/v1/jobs/alpha.report", report("beta"), alpha);
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(400);
        assertThat(moved.body()).contains("$.namespace");
        JsonNode bundle = TestNode.expect(node.call("POST", "/api/v1/jobs/export", "{\"jobs\": [\"alpha.report\"]}", alpha), 200);
        JsonNode plan = TestNode.expect(node.call("POST", "/api/v1/jobs/import?namespace=staging",
                "{\"bundle\": " + bundle + ", \"secrets\": {\"api_key\": \"staging-value\"}}"), 200);
        assertThat(plan.path("applied").asBoolean()).as(plan.toString()).isTrue();
        JsonNode imported = TestNode.expect(node.call("GET", "/api/v1/jobs/staging.report", null), 200);
        assertThat(imported.at("/definition/namespace").asText()).isEqualTo("staging");
        TestNode.expect(node.call("GET", "/api/v1/connections/staging.partner", null), 200);
        // alpha's own job is untouched, and alpha cannot import into staging
        assertThat(TestNode.expect(node.call("GET", "/api/v1/jobs/alpha.report", null), 200).path("version").asInt()).isEqualTo(1);
        assertThat(node.call("POST", "/api/v1/jobs/import?namespace=staging", "{\"bundle\": " + bundle + "}", alpha)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void aNamespacedJobsWebhookIsAtItsKey() throws Exception {
        String secret = "a-webhook-secret-of-alpha-0123456789";
        TestNode.expect(node.call("POST", "/api/v1/jobs", "{\"id\": \"inbox\", \"namespace\": \"alpha\", \"triggers\":"
                + " [{\"type\": \"webhook\", \"secret\": \"" + secret + "\"}], \"steps\": [{\"id\": \"a\","
                + " \"type\": \"set\", \"variables\": {\"x\": 1}}]}", alpha), 201);
        assertThat(signed("alpha.inbox", secret).statusCode()).isLessThan(300);
        assertThat(signed("inbox", secret).statusCode()).isEqualTo(404);
        JsonNode runs = TestNode.expect(node.call("GET", "/api/v1/executions?job=inbox&namespace=alpha", null, alpha), 200);
        assertThat(runs.path("items")).hasSize(1);
    }

    private HttpResponse<String> signed(String key, String secret) throws Exception {
        String body = "{\"n\": 1}";
        String id = java.util.UUID.randomUUID().toString();
        long ts = java.time.Instant.now().getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(io.caravan.runtime.hooks.Signatures.key(secret), "HmacSHA256"));
        String signature = java.util.Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(node.base() + "/hooks/" + key)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("webhook-id", id)
                .header("webhook-timestamp", String.valueOf(ts)).header("webhook-signature", "v1," + signature).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
