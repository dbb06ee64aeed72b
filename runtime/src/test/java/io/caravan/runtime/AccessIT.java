package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may do what through the API: every endpoint × every role × its method, with the answer of
 * each asserted; path variants that try to slip past the routes; tokens created, listed and
 * revoked; and the audit log of what was done.
 */
class AccessIT extends OneNode {

    /** The roles in order; "outsider" holds admin in another namespace and nothing in default. */
    private static final List<String> ROLES = List.of("viewer", "operator", "editor", "admin");
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private String execution;

    /**
     * An endpoint: its method and path, a body, the role it needs, and whether that role is needed
     * in the namespace (lists and what belongs to no namespace need it anywhere, and show each
     * caller its own namespaces only).
     */
    private record Endpoint(String method, String path, String body, String needs, boolean namespaced) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @BeforeAll
    void tokensAndData() throws Exception {
        for (String role : ROLES) {
            tokens.put(role, create("{\"name\": \"" + role + "\", \"grants\": {\"default\": \"" + role + "\"}}"));
        }
        tokens.put("outsider", create("{\"name\": \"outsider\", \"grants\": {\"team-b\": \"admin\"}}"));
        TestNode.expect(node.call("POST", "/api/v1/jobs", "{\"id\": \"m\", \"steps\": [{\"id\": \"a\", \"type\": \"set\","
                + " \"variables\": {\"x\": 1}}]}"), 201);
        TestNode.expect(node.call("PUT", "/api/v1/secrets/s1", "{\"value\": \"hunter2\"}"), 201);
        execution = node.run("m", null);
        node.awaitEnd(execution);
    }

    private String create(String body) throws Exception {
        return TestNode.expect(node.call("POST", "/api/v1/tokens", body), 201).get("token").asText();
    }

    private List<Endpoint> endpoints() {
        String job = "{\"id\": \"m2\", \"steps\": [{\"id\": \"a\", \"type\": \"set\", \"variables\": {\"x\": 1}}]}";
        String ex = "/api/v1/executions/" + execution;
        List<Endpoint> all = new ArrayList<>(List.of(
                new Endpoint("POST", "/api/v1/jobs/validate", job, "viewer", true),
                new Endpoint("GET", "/api/v1/jobs", null, "viewer", false),
                new Endpoint("GET", "/api/v1/jobs/m", null, "viewer", true),
                new Endpoint("GET", "/api/v1/jobs/m/versions", null, "viewer", true),
                new Endpoint("GET", "/api/v1/jobs/m/versions/1", null, "viewer", true),
                new Endpoint("GET", "/api/v1/jobs/m/diff?from=1&to=1", null, "viewer", true),
                new Endpoint("GET", "/api/v1/jobs/m/route", null, "viewer", true),
                new Endpoint("GET", "/api/v1/jobs/m/stats", null, "viewer", true),
                new Endpoint("POST", "/api/v1/jobs/export", "{}", "viewer", false),
                new Endpoint("GET", "/api/v1/executions", null, "viewer", false),
                new Endpoint("GET", ex, null, "viewer", true),
                new Endpoint("GET", ex + "/context", null, "viewer", true),
                new Endpoint("GET", ex + "/files", null, "viewer", true),
                new Endpoint("GET", ex + "/files/none.csv", null, "viewer", true),
                new Endpoint("GET", "/api/v1/connections", null, "viewer", false),
                new Endpoint("GET", "/api/v1/connections/nope", null, "viewer", true),
                new Endpoint("GET", "/api/v1/schema/job.json", null, "viewer", false),
                new Endpoint("GET", "/api/v1/nodes", null, "viewer", false),
                new Endpoint("GET", "/api/v1/queue", null, "viewer", false),
                new Endpoint("GET", "/api/v1/executor/status", null, "viewer", false),
                new Endpoint("GET", "/api/v1/namespaces", null, "viewer", false),
                new Endpoint("GET", "/api/v1/console/settings", null, "viewer", false),
                new Endpoint("POST", "/api/v1/jobs/m/executions", "{\"params\": {}}", "operator", true),
                new Endpoint("POST", ex + "/retry", null, "operator", true),
                new Endpoint("POST", ex + "/cancel", null, "operator", true),
                new Endpoint("POST", "/api/v1/connections/nope/test", null, "operator", true),
                new Endpoint("POST", "/api/v1/jobs", "{}", "editor", true),
                new Endpoint("PUT", "/api/v1/jobs/nope", job, "editor", true),
                new Endpoint("PATCH", "/api/v1/jobs/nope", "[]", "editor", true),
                new Endpoint("DELETE", "/api/v1/jobs/nope", null, "editor", true),
                new Endpoint("POST", "/api/v1/jobs/import", "{}", "editor", true),
                new Endpoint("POST", "/api/v1/jobs/bulk", "{}", "editor", false),
                new Endpoint("POST", "/api/v1/jobs/nope/instantiate", "{}", "editor", true),
                new Endpoint("POST", "/api/v1/jobs/nope/rollback?to=1", null, "editor", true),
                new Endpoint("PUT", "/api/v1/jobs/nope/tags/t", null, "editor", true),
                new Endpoint("DELETE", "/api/v1/jobs/nope/tags/t", null, "editor", true),
                new Endpoint("POST", "/api/v1/connections", "{}", "editor", true),
                new Endpoint("PUT", "/api/v1/connections/nope", "{}", "editor", true),
                new Endpoint("DELETE", "/api/v1/connections/nope", null, "editor", true),
                new Endpoint("GET", "/api/v1/secrets", null, "admin", false),
                new Endpoint("GET", "/api/v1/secrets/s1", null, "admin", true),
                new Endpoint("PUT", "/api/v1/secrets/s2", "{\"value\": \"x\"}", "admin", true),
                new Endpoint("DELETE", "/api/v1/secrets/nope", null, "admin", true),
                new Endpoint("GET", "/api/v1/tokens", null, "admin", false),
                new Endpoint("GET", "/api/v1/tokens/nope", null, "admin", false),
                new Endpoint("DELETE", "/api/v1/tokens/nope", null, "admin", false),
                new Endpoint("POST", "/api/v1/tokens", "{}", "admin", false),
                new Endpoint("GET", "/api/v1/audit", null, "admin", false)));
        return all;
    }

    @Test
    void everyEndpointAnswersEveryRoleAsItsRoleAllows() throws Exception {
        int calls = 0;
        for (Endpoint endpoint : endpoints()) {
            HttpResponse<String> anonymous = node.call(endpoint.method(), endpoint.path(), endpoint.body(), null);
            assertThat(anonymous.statusCode()).as("%s without a token", endpoint).isEqualTo(401);
            assertThat(node.call(endpoint.method(), endpoint.path(), endpoint.body(), "cvn_forged").statusCode())
                    .as("%s with a forged token", endpoint).isEqualTo(401);
            calls += 2;
            for (Map.Entry<String, String> token : tokens.entrySet()) {
                HttpResponse<String> r = node.call(endpoint.method(), endpoint.path(), endpoint.body(), token.getValue());
                calls++;
                String as = endpoint + " as " + token.getKey() + ": " + r.body();
                if (token.getKey().equals("outsider")) {
                    // admin of another namespace: sees nothing of default, not even that it exists
                    assertThat(r.statusCode()).as(as).isEqualTo(endpoint.namespaced() ? 404 : allowedStatus(r));
                    if (!endpoint.namespaced()) { // a list: of its own namespace only
                        assertThat(r.body()).as(as).doesNotContain(execution).doesNotContain("\"key\":\"m\"")
                                .doesNotContain("\"name\":\"s1\"");
                    }
                } else if (ROLES.indexOf(token.getKey()) < ROLES.indexOf(endpoint.needs())) {
                    assertThat(r.statusCode()).as(as).isEqualTo(403);
                    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                    assertThat(r.body()).contains("needs " + endpoint.needs());
                } else {
                    assertThat(r.statusCode()).as(as).isNotIn(401, 403).isLessThan(500);
                    if (endpoint.method().equals("GET") && !endpoint.path().contains("nope")
                            && !endpoint.path().contains("none.csv")) {
                        assertThat(r.statusCode()).as(as).isEqualTo(200);
                    }
                }
            }
        }
        System.out.printf("ACCESS matrix: %d endpoints x %d callers (none, forged, %s) = %d calls%n",
                endpoints().size(), tokens.size() + 2, String.join(", ", tokens.keySet()), calls);
    }

    private static int allowedStatus(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isNotIn(401, 403).isLessThan(500);
        return r.statusCode();
    }

    @Test
    void pathVariantsReachNothingTheRoleMayNot() throws Exception {
        List<String> variants = List.of("/api/v1/secrets/", "/api/v1/jobs/../secrets", "/api/v1/jobs/%2e%2e/secrets",
                "/api/v1/jobs/..%2Fsecrets", "/api/v1/Secrets", "/API/v1/secrets", "/api/v1//secrets",
                "/api/v1/secrets%2Fs1", "/api/v1/secrets/s1/", "/api/v1/./secrets", "/api/v1/SECRETS/s1",
                "/api/v1/jobs/m/..%2F..%2Fsecrets", "/api/v1/secrets;x=1", "/api/v1/secrets/s1%00",
                "/api/v1/tokens/", "/api/v1/audit/", "/api/v1/Tokens", "/api//v1/audit", "/api/v1/jobs/../tokens");
        int calls = 0;
        for (String path : variants) {
            // the outsider is admin of its own namespace: tokens and the audit log are its to read
            List<String> callers = path.contains("secrets") ? List.of("none", "viewer", "editor", "outsider")
                    : List.of("none", "viewer", "editor");
            for (String caller : callers) {
                HttpResponse<String> r = node.call("GET", path, null, tokens.get(caller));
                calls++;
                if (caller.equals("outsider") && r.statusCode() == 200) { // the list of its own namespace's secrets
                    assertThat(r.body()).as("GET %s as %s", path, caller).isEqualTo("{\"items\":[]}");
                    continue;
                }
                assertThat(r.statusCode()).as("GET %s as %s: %s", path, caller, r.body()).isIn(400, 401, 403, 404, 405);
                assertThat(r.body()).doesNotContain("hunter2").doesNotContain("\"items\"");
                if (path.startsWith("/api/")) { // the server's own pages only outside the API
                    assertThat(r.headers().firstValue("Content-Type")).as("GET %s as %s", path, caller)
                            .hasValue("application/problem+json");
                }
            }
        }
        System.out.printf("ACCESS path variants: %d paths, %d calls%n", variants.size(), calls);
    }

    @Test
    void tokensAreShownOnceGrantedOnlyByWhoHoldsTheRoleAndRevokedAtOnce() throws Exception {
        JsonNode created = TestNode.expect(node.call("POST", "/api/v1/tokens",
                "{\"name\": \"ci\", \"grants\": {\"default\": \"operator\"}, \"expires_in\": \"P7D\"}", tokens.get("admin")), 201);
        String token = created.get("token").asText();
        assertThat(token).startsWith("cvn_");
        assertThat(created.at("/grants/default").asText()).isEqualTo("operator");
        assertThat(created.get("created_by").asText()).isEqualTo("admin");
        String listed = node.call("GET", "/api/v1/tokens", null).body();
        assertThat(listed).contains(created.get("id").asText()).doesNotContain(token);
        assertThat(node.query("select count(*) from api_tokens where grants::text like ?", "%" + token + "%")).containsExactly("0");

        // an admin of default cannot grant in every namespace, nor in one it is not admin of
        HttpResponse<String> wide = node.call("POST", "/api/v1/tokens",
                "{\"name\": \"x\", \"grants\": {\"*\": \"viewer\"}}", tokens.get("admin"));
        assertThat(wide.statusCode()).as(wide.body()).isEqualTo(403);
        assertThat(node.call("POST", "/api/v1/tokens", "{\"name\": \"x\", \"grants\": {\"team-b\": \"viewer\"}}",
                tokens.get("admin")).statusCode()).isEqualTo(403);
        // ... and does not see tokens granting beyond what it holds
        assertThat(node.call("GET", "/api/v1/tokens", null, tokens.get("admin")).body())
                .doesNotContain("\"outsider\"").contains("\"operator\"");

        JsonNode bad = TestNode.expect(node.call("POST", "/api/v1/tokens",
                "{\"name\": \"\", \"grants\": {\"Bad NS\": \"root\"}, \"expires_in\": \"P9999D\"}"), 400);
        assertThat(bad.toString()).contains("$.name").contains("$.grants['Bad NS']").contains("$.expires_in");

        assertThat(node.call("GET", "/api/v1/jobs", null, token).statusCode()).isEqualTo(200);
        assertThat(node.call("DELETE", "/api/v1/tokens/" + created.get("id").asText(), null, tokens.get("admin"))
                .statusCode()).isEqualTo(204);
        assertThat(node.call("GET", "/api/v1/jobs", null, token).statusCode()).as("revoked from the next call on").isEqualTo(401);
        assertThat(node.call("DELETE", "/api/v1/tokens/" + created.get("id").asText(), null).statusCode()).isEqualTo(409);

        String expiring = create("{\"name\": \"short\", \"grants\": {\"default\": \"viewer\"}, \"expires_in\": \"PT1H\"}");
        assertThat(node.call("GET", "/api/v1/jobs", null, expiring).statusCode()).isEqualTo(200);
        node.sql("update api_tokens set expires_at = now() - interval '1 second' where name = 'short'");
        assertThat(node.call("GET", "/api/v1/jobs", null, expiring).statusCode()).as("expired").isEqualTo(401);
    }

    @Test
    void theAuditLogRecordsWhoDidWhatFromWhereAndCannotBeChanged() throws Exception {
        node.call("POST", "/api/v1/jobs/m/executions", "{\"params\": {}}", tokens.get("operator"));
        node.call("DELETE", "/api/v1/jobs/m", null, tokens.get("viewer")); // refused, and recorded as such
        node.call("GET", "/api/v1/jobs/m", null, tokens.get("viewer")); // a read: not recorded
        // a header or query parameter named id does not choose the recorded target of a call without one
        java.net.http.HttpResponse<String> export = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.base() + "/api/v1/jobs/export?id=forged"))
                        .header("Authorization", "Bearer " + tokens.get("editor")).header("id", "forged")
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(export.statusCode()).as(export.body()).isLessThan(300);

        JsonNode page = TestNode.expect(node.call("GET", "/api/v1/audit?limit=50", null, tokens.get("admin")), 200);
        List<JsonNode> items = new ArrayList<>();
        page.get("items").forEach(items::add);
        JsonNode run = items.stream().filter(i -> i.get("action").asText().equals("executions.create")
                && i.get("actor").asText().equals("operator")).findFirst().orElseThrow();
        assertThat(run.get("status").asInt()).isEqualTo(202);
        assertThat(run.get("target").asText()).isEqualTo("m");
        assertThat(run.get("source").asText()).contains("127.0.0.1");
        assertThat(run.get("method").asText()).isEqualTo("POST");
        JsonNode refused = items.stream().filter(i -> i.get("action").asText().equals("jobs.delete")
                && i.get("actor").asText().equals("viewer")).findFirst().orElseThrow();
        assertThat(refused.get("status").asInt()).isEqualTo(403);
        assertThat(items).noneMatch(i -> i.get("method").asText().equals("GET"));
        JsonNode exported = items.stream().filter(i -> i.get("action").asText().equals("bundles.export")
                && i.get("actor").asText().equals("editor")).findFirst().orElseThrow();
        assertThat(exported.get("target").isNull()).as(exported.toString()).isTrue();
        assertThat(page.toString()).doesNotContain("hunter2");

        JsonNode filtered = TestNode.expect(node.call("GET", "/api/v1/audit?actor=operator&action=executions.create",
                null, tokens.get("admin")), 200);
        assertThat(filtered.get("items")).isNotEmpty().allMatch(i -> i.get("actor").asText().equals("operator"));
        TestNode.expect(node.call("GET", "/api/v1/audit?since=yesterday", null), 400);

        assertThatThrownBy(() -> node.sql("update audit_log set actor = 'nobody'")).hasMessageContaining("append-only");
        assertThatThrownBy(() -> node.sql("delete from audit_log")).hasMessageContaining("append-only");
        assertThatThrownBy(() -> node.sql("truncate audit_log")).hasMessageContaining("append-only");
    }
}
