package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catalogue: search by text, tag, category and status; templates made into jobs; bulk enable, disable, delete. */
class CatalogueIT extends OneNode {

    @Test
    void jobsAreFoundByTextTagCategoryAndStatusWithTheirLastRunAndNextFire() throws Exception {
        create("""
                {"id": "cat-invoices", "name": "Nightly invoices", "category": "finance", "tags": ["nightly"],
                 "triggers": [{"type": "schedule", "cron": "0 0 3 * * ?"}],
                 "steps": [{"id": "a", "type": "log", "message": "x"}]}""");
        create("""
                {"id": "cat-ledger", "name": "Ledger sync", "category": "finance", "enabled": false,
                 "steps": [{"id": "a", "type": "log", "message": "x"}]}""");
        create("""
                {"id": "cat-cleanup", "name": "Disk cleanup", "category": "ops", "tags": ["nightly"],
                 "steps": [{"id": "a", "type": "sql", "connection": "local", "query": "select 1 / 0"}]}""");
        node.awaitEnd(node.run("cat-cleanup", null));

        assertThat(ids("?category=finance")).containsExactly("cat-invoices", "cat-ledger");
        assertThat(ids("?tag=nightly")).containsExactly("cat-cleanup", "cat-invoices");
        assertThat(ids("?q=LEDGER")).containsExactly("cat-ledger");
        assertThat(ids("?q=fin")).as("text in the category too").containsExactly("cat-invoices", "cat-ledger");
        assertThat(ids("?status=disabled&q=cat-")).containsExactly("cat-ledger");
        assertThat(ids("?last_status=FAILED&q=cat-")).containsExactly("cat-cleanup");
        JsonNode list = TestNode.expect(node.call("GET", "/api/v1/jobs?q=cat-", null), 200);
        JsonNode cleanup = find(list, "cat-cleanup");
        assertThat(cleanup.at("/last_execution/status").asText()).isEqualTo("FAILED");
        assertThat(cleanup.get("category").asText()).isEqualTo("ops");
        JsonNode invoices = find(list, "cat-invoices");
        assertThat(invoices.get("last_execution").isNull()).isTrue();
        assertThat(java.time.Instant.parse(invoices.get("next_fire_at").asText())).isAfter(java.time.Instant.now());
        assertThat(node.call("GET", "/api/v1/jobs?status=sleeping", null).statusCode()).isEqualTo(400);
    }

    @Test
    void aTemplateDoesNotRunAndIsMadeIntoJobsWithItsParamsAsDefaults() throws Exception {
        create("""
                {"id": "tpl-partner-pull", "name": "Partner pull", "template": true, "category": "partners",
                 "params": {"partner": {"type": "string", "required": true},
                            "since": {"type": "string", "format": "date", "default": "2026-01-01"},
                            "token": {"type": "string", "secret": true}},
                 "triggers": [{"type": "webhook", "secret": "a-template-signing-secret"}],
                 "steps": [{"id": "say", "type": "log", "message": "{{ params.partner }} since {{ params.since }}"}]}""");
        assertThat(ids("?status=template")).contains("tpl-partner-pull");
        assertThat(node.call("POST", "/api/v1/jobs/tpl-partner-pull/executions", "{\"params\": {\"partner\": \"x\"}}")
                .statusCode()).as("a template does not run").isEqualTo(409);

        HttpResponse<String> bad = node.call("POST", "/api/v1/jobs/tpl-partner-pull/instantiate",
                "{\"id\": \"acme-pull\", \"params\": {\"since\": \"yesterday\", \"token\": \"t-1234\"}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("$.params.since", "$.params.token");
        HttpResponse<String> missing = node.call("POST", "/api/v1/jobs/tpl-partner-pull/instantiate",
                "{\"id\": \"acme-pull\", \"webhookSecret\": \"acme-own-signing-secret\"}");
        assertThat(missing.statusCode()).as("partner is required and has no default").isEqualTo(400);
        assertThat(missing.body()).contains("$.params.partner", "is required");
        HttpResponse<String> shared = node.call("POST", "/api/v1/jobs/tpl-partner-pull/instantiate",
                "{\"id\": \"acme-pull\", \"params\": {\"partner\": \"acme\"}}");
        assertThat(shared.statusCode()).as("the template's own signing secret is not handed on").isEqualTo(400);
        assertThat(shared.body()).contains("$.webhookSecret");

        JsonNode made = TestNode.expect(node.call("POST", "/api/v1/jobs/tpl-partner-pull/instantiate",
                "{\"id\": \"acme-pull\", \"name\": \"ACME pull\", \"params\": {\"partner\": \"acme\"},"
                + " \"webhookSecret\": \"acme-own-signing-secret\"}"), 201);
        assertThat(made.get("template_version").asInt()).isEqualTo(1);
        JsonNode job = TestNode.expect(node.call("GET", "/api/v1/jobs/acme-pull", null), 200);
        assertThat(job.get("template").asBoolean()).isFalse();
        assertThat(job.at("/definition/name").asText()).isEqualTo("ACME pull");
        assertThat(job.at("/definition/params/partner/default").asText()).isEqualTo("acme");
        assertThat(job.at("/definition/category").asText()).isEqualTo("partners");
        assertThat(job.at("/definition/triggers/0/secret").asText()).isEqualTo("acme-own-signing-secret");
        JsonNode ran = node.awaitEnd(node.run("acme-pull", null));
        assertThat(node.object(ran.get("context_path").asText()).at("/steps/say/output/message").asText())
                .isEqualTo("acme since 2026-01-01");
        assertThat(TestNode.expect(node.call("GET", "/api/v1/jobs/acme-pull/versions", null), 200).at("/items/0/message").asText())
                .isEqualTo("from template tpl-partner-pull version 1");
        assertThat(node.call("POST", "/api/v1/jobs/acme-pull/instantiate", "{\"id\": \"again\"}").statusCode())
                .as("only a template is instantiated").isEqualTo(409);
    }

    @Test
    void bulkActionsAnswerEachJob() throws Exception {
        for (String id : List.of("bulk-a", "bulk-b", "bulk-c")) {
            create("{\"id\": \"" + id + "\", \"steps\": [{\"id\": \"a\", \"type\": \"log\", \"message\": \"x\"}]}");
        }
        JsonNode disabled = TestNode.expect(node.call("POST", "/api/v1/jobs/bulk",
                "{\"action\": \"disable\", \"jobs\": [\"bulk-a\", \"bulk-b\", \"bulk-nope\"]}"), 200);
        assertThat(disabled.get("results")).extracting(r -> r.get("id").asText() + ":" + r.get("status").asInt()
                + ":" + r.path("outcome").asText()).containsExactly("bulk-a:200:disabled", "bulk-b:200:disabled",
                "bulk-nope:404:");
        assertThat(ids("?status=disabled&q=bulk-")).containsExactly("bulk-a", "bulk-b");
        assertThat(node.call("POST", "/api/v1/jobs/bulk-a/executions", "{}").statusCode()).isEqualTo(409);
        JsonNode enabled = TestNode.expect(node.call("POST", "/api/v1/jobs/bulk",
                "{\"action\": \"enable\", \"jobs\": [\"bulk-a\", \"bulk-c\"]}"), 200);
        assertThat(enabled.get("results")).extracting(r -> r.path("outcome").asText()).containsExactly("enabled", "unchanged");
        TestNode.expect(node.call("POST", "/api/v1/jobs/bulk", "{\"action\": \"delete\", \"jobs\": [\"bulk-a\", \"bulk-b\", \"bulk-c\"]}"), 200);
        assertThat(ids("?q=bulk-")).isEmpty();
        assertThat(node.call("POST", "/api/v1/jobs/bulk", "{\"action\": \"explode\", \"jobs\": [\"x\"]}").statusCode())
                .isEqualTo(400);
    }

    private void create(String job) throws Exception {
        TestNode.expect(node.call("POST", "/api/v1/jobs", job), 201);
    }

    private List<String> ids(String query) throws Exception {
        List<String> ids = new ArrayList<>();
        TestNode.expect(node.call("GET", "/api/v1/jobs" + query, null), 200).get("items").forEach(j -> ids.add(j.get("id").asText()));
        return ids;
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode j : list.get("items")) {
            if (j.get("id").asText().equals(id)) {
                return j;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
    }

}
