package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The spine end to end on a whole node: embedded PostgreSQL, embedded S3, a real HTTP stub. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpineIT {

    private TestNode node;
    private Stub stub;

    @BeforeAll
    void start() throws Exception {
        stub = new Stub();
        node = TestNode.start();
        create("""
                {"id": "setup", "steps": [{"id": "table", "type": "sql", "connection": "local",
                  "query": "create table if not exists items (id int primary key, name text not null)"}]}""");
        assertThat(node.awaitEnd(node.run("setup", null)).get("status").asText()).isEqualTo("SUCCESS");
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    @Test
    void runsHttpSqlForEachSqlSetAndCheckpointsTheContextToS3() throws Exception {
        create("""
                {"id": "import-items", "params": {"prefix": {"type": "string", "default": "widget"}},
                 "steps": [
                  {"id": "fetch", "type": "http", "url": "%s"},
                  {"id": "save", "type": "sql", "connection": "local", "forEach": "{{ steps.fetch.output.body.items }}",
                   "query": "insert into items (id, name) values (:id, :name) on conflict (id) do update set name = excluded.name",
                   "parameters": {"id": "{{ item.id }}", "name": "{{ item.name }}"}},
                  {"id": "read", "type": "sql", "connection": "local",
                   "query": "select id, name from items where name like :pattern order by id",
                   "parameters": {"pattern": "{{ params.prefix + '%%' }}"}},
                  {"id": "summary", "type": "set", "variables": {
                     "count": "{{ steps.read.output.rowCount }}", "first": "{{ steps.read.output.rows[0].name }}"}}
                 ]}""".formatted(stub.url("/items")));
        String id = node.run("import-items", "{\"prefix\": \"widget-4\"}");
        JsonNode execution = node.awaitEnd(id);

        assertThat(execution.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(execution.get("progress").asInt()).isEqualTo(100);
        assertThat(execution.get("steps")).extracting(s -> s.get("id").asText())
                .containsExactly("fetch", "save", "read", "summary");
        String path = "jobs/import-items/executions/" + id + "/context.json";
        assertThat(execution.get("context_path").asText()).isEqualTo(path);

        JsonNode context = node.object(path);
        assertThat(context.at("/steps/fetch/output/status").asInt()).isEqualTo(200);
        assertThat(context.at("/steps/fetch/output/body/items")).hasSize(3);
        assertThat(context.at("/steps/save/output")).hasSize(3)
                .allSatisfy(item -> assertThat(item.get("updated").asInt()).isEqualTo(1));
        assertThat(context.at("/steps/read/output/rowCount").asInt()).isEqualTo(3);
        assertThat(context.at("/steps/read/output/rows/1/name").asText()).isEqualTo("widget-42");
        assertThat(context.at("/variables/count").asInt()).isEqualTo(3);
        assertThat(context.at("/variables/first").asText()).isEqualTo("widget-41");
        assertThat(context.at("/execution/job_version").asInt()).isEqualTo(1);
        assertThat(context.at("/params/prefix").asText()).isEqualTo("widget-4");

        List<String> row = executionRow(id);
        assertThat(row).contains(path);
        assertThat(String.join(" ", row)).as("the row holds the context's path, not its outputs")
                .doesNotContain("widget-42").doesNotContain("rowCount");
    }

    @Test
    void checkpointOfAStepIsInS3BeforeTheNextStepRuns() throws Exception {
        create("""
                {"id": "held", "steps": [
                  {"id": "first", "type": "http", "url": "%s"},
                  {"id": "second", "type": "http", "url": "%s"},
                  {"id": "third", "type": "log", "message": "{{ steps.second.output.body.released }}"}
                 ]}""".formatted(stub.url("/items"), stub.url("/hold/checkpoint")));
        String id = node.run("held", null);
        assertThat(stub.awaitArrival("checkpoint")).isTrue();

        JsonNode during = node.object("jobs/held/executions/" + id + "/context.json");
        assertThat(during).as("context.json written after step 1, while step 2 is held").isNotNull();
        assertThat(during.at("/steps/first/status").asText()).isEqualTo("SUCCESS");
        assertThat(during.at("/steps/first/output/body/items")).hasSize(3);
        assertThat(during.at("/steps").has("second")).isFalse();
        JsonNode running = node.json(node.call("GET", "/api/v1/executions/" + id, null));
        assertThat(running.get("status").asText()).isEqualTo("RUNNING");
        assertThat(running.get("current_step").asText()).isEqualTo("second");

        stub.release("checkpoint");
        assertThat(node.awaitEnd(id).get("status").asText()).isEqualTo("SUCCESS");
        JsonNode after = node.object("jobs/held/executions/" + id + "/context.json");
        assertThat(after.at("/steps/third/output/message").asText()).isEqualTo("checkpoint");
    }

    @Test
    void aFailingStepFailsTheExecutionNamesTheStepAndKeepsEarlierOutputs() throws Exception {
        create("""
                {"id": "failing", "steps": [
                  {"id": "prepare", "type": "set", "variables": {"answer": 42}},
                  {"id": "call", "type": "http", "url": "%s"},
                  {"id": "never", "type": "log", "message": "not reached"}
                 ]}""".formatted(stub.url("/fail")));
        String id = node.run("failing", null);
        JsonNode execution = node.awaitEnd(id);

        assertThat(execution.get("status").asText()).isEqualTo("FAILED");
        assertThat(execution.at("/errors/0/step").asText()).isEqualTo("call");
        assertThat(execution.at("/errors/0/type").asText()).isEqualTo("http.status");
        assertThat(execution.at("/errors/0/message").asText()).contains("HTTP 500").contains("stub is down");
        assertThat(execution.get("steps")).extracting(s -> s.get("id").asText()).containsExactly("prepare", "call");

        JsonNode context = node.object(execution.get("context_path").asText());
        assertThat(context.at("/steps/prepare/output/answer").asInt()).isEqualTo(42);
        assertThat(context.at("/variables/answer").asInt()).isEqualTo(42);
        assertThat(context.at("/steps/call/status").asText()).isEqualTo("FAILED");
        assertThat(context.at("/steps/call/error/message").asText()).contains("HTTP 500");
        assertThat(context.at("/steps").has("never")).isFalse();

        assertThat(node.call("PUT", "/api/v1/jobs/failing", """
                {"id": "failing", "steps": [{"id": "other", "type": "log", "message": "v2"}]}""").statusCode())
                .isEqualTo(200);
        HttpResponse<String> retry = node.call("POST", "/api/v1/executions/" + id + "/retry", null);
        assertThat(retry.statusCode()).as("its checkpoint belongs to version 1").isEqualTo(409);
        assertThat(node.json(retry).get("detail").asText()).contains("changed from version 1 to 2");
    }

    @Test
    void aRetryableHttpFailureIsRetriedAndEveryAttemptIsARow() throws Exception {
        create("""
                {"id": "retried", "defaults": {"retry": {"attempts": 3, "delay": "PT0.05S"}}, "steps": [
                  {"id": "call", "type": "http", "url": "%s"},
                  {"id": "missing", "type": "http", "url": "%s", "continueOnError": true}]}"""
                .formatted(stub.url("/flaky/retried"), stub.url("/nothing-here")));
        JsonNode execution = node.awaitEnd(node.run("retried", null));

        assertThat(execution.get("status").asText()).isEqualTo("PARTIAL_SUCCESS");
        assertThat(execution.at("/steps/0/status").asText()).isEqualTo("SUCCESS");
        assertThat(execution.at("/steps/0/attempts").asInt()).isEqualTo(3);
        assertThat(execution.at("/steps/1/attempts").asInt()).as("a 404 is not retried").isEqualTo(1);
        assertThat(execution.get("errors")).extracting(e -> e.get("step").asText()).containsExactly("missing");
        assertThat(node.object(execution.get("context_path").asText()).at("/steps/call/output/body/calls").asInt())
                .isEqualTo(3);
        List<String> attempts = node.query("select attempt || ' ' || status || ' ' || coalesce(error_type, 'null')"
                + " from step_runs where execution_id = ? and step_id = 'call' order by attempt",
                UUID.fromString(execution.get("id").asText()));
        assertThat(attempts).containsExactly("1 FAILED http.status", "2 FAILED http.status", "3 SUCCESS null");
    }

    @Test
    void aRetriedExecutionContinuesFromItsFailedStepWithItsSavedContext() throws Exception {
        create("""
                {"id": "resumed", "steps": [
                  {"id": "prepare", "type": "set", "variables": {"n": 1}},
                  {"id": "call", "type": "http", "url": "%s"},
                  {"id": "after", "type": "log", "message": "n={{ variables.n }} ok={{ steps.call.output.body.ok }}"}]}"""
                .formatted(stub.url("/once/resumed")));
        String id = node.run("resumed", null);
        JsonNode failed = node.awaitEnd(id);
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        String prepared = node.object(failed.get("context_path").asText()).at("/steps/prepare/started_at").asText();

        HttpResponse<String> retry = node.call("POST", "/api/v1/executions/" + id + "/retry", null);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        JsonNode done = node.awaitEnd(id);

        assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(done.get("errors")).isEmpty();
        assertThat(done.get("steps")).extracting(s -> s.get("id").asText() + "=" + s.get("attempts").asInt())
                .containsExactly("prepare=1", "call=2", "after=1");
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/steps/prepare/started_at").asText()).as("a completed step is not run again")
                .isEqualTo(prepared);
        assertThat(context.at("/steps/after/output/message").asText()).isEqualTo("n=1 ok=true");

        assertThat(node.call("POST", "/api/v1/executions/" + id + "/retry", null).statusCode())
                .as("only FAILED or TIMED_OUT executions are retried").isEqualTo(409);
    }

    @Test
    void aRunningExecutionCancelledStopsAfterItsCurrentStepAndKeepsItsContext() throws Exception {
        create("""
                {"id": "cancelled", "steps": [
                  {"id": "wait", "type": "http", "url": "%s"},
                  {"id": "after", "type": "log", "message": "not reached"}]}""".formatted(stub.url("/hold/cancel")));
        String id = node.run("cancelled", null);
        assertThat(stub.awaitArrival("cancel")).isTrue();

        HttpResponse<String> cancel = node.call("POST", "/api/v1/executions/" + id + "/cancel", null);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(node.json(cancel).get("status").asText()).isEqualTo("RUNNING");
        stub.release("cancel");

        JsonNode done = node.awaitEnd(id);
        assertThat(done.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(done.get("steps")).extracting(s -> s.get("id").asText()).containsExactly("wait");
        assertThat(node.object(done.get("context_path").asText()).at("/steps/wait/output/body/released").asText())
                .isEqualTo("cancel");
        assertThat(node.call("POST", "/api/v1/executions/" + id + "/cancel", null).statusCode()).isEqualTo(409);
    }

    @Test
    void aCancelAskedOnAnotherNodeIsLearntBeforeTheNextStepStarts() throws Exception {
        create("""
                {"id": "cancelled-elsewhere", "steps": [
                  {"id": "wait", "type": "http", "url": "%s"},
                  {"id": "after", "type": "log", "message": "not reached"}]}""".formatted(stub.url("/hold/elsewhere")));
        String id = node.run("cancelled-elsewhere", null);
        assertThat(stub.awaitArrival("elsewhere")).isTrue();
        // what the cancel API does on a node where the execution is not running: only the flag
        node.sql("update executions set cancel_requested = true where id = ?::uuid", id);
        stub.release("elsewhere");

        JsonNode done = node.awaitEnd(id);
        assertThat(done.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(done.get("steps")).as("the next step never started").extracting(s -> s.get("id").asText())
                .containsExactly("wait");
        assertThat(done.at("/steps/0/status").asText()).as("the end written with the refused start").isEqualTo("SUCCESS");
        assertThat(node.object(done.get("context_path").asText()).at("/steps/after").isMissingNode()).isTrue();
    }

    @Test
    void aStepTimeoutBoundsItsWaitAndAJobTimeoutEndsTheExecutionTimedOut() throws Exception {
        create("""
                {"id": "slow-step", "steps": [{"id": "wait", "type": "http", "url": "%s", "timeout": "PT1S"}]}"""
                .formatted(stub.url("/hold/never-step")));
        long t0 = System.nanoTime();
        JsonNode slow = node.awaitEnd(node.run("slow-step", null));
        assertThat(slow.get("status").asText()).isEqualTo("FAILED");
        assertThat(slow.at("/errors/0/type").asText()).isEqualTo("http.timeout");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("bounded by the step's PT1S").isLessThan(10_000);

        create("""
                {"id": "slow-job", "timeout": "PT1S", "steps": [
                  {"id": "first", "type": "set", "variables": {"a": 1}},
                  {"id": "wait", "type": "http", "url": "%s", "timeout": "PT2S"},
                  {"id": "never", "type": "log", "message": "not reached"}]}""".formatted(stub.url("/hold/never-job")));
        JsonNode timedOut = node.awaitEnd(node.run("slow-job", null));
        assertThat(timedOut.get("status").asText()).isEqualTo("TIMED_OUT");
        assertThat(timedOut.get("steps")).extracting(s -> s.get("id").asText()).containsExactly("first", "wait");
        assertThat(timedOut.get("errors")).extracting(e -> e.get("type").asText()).contains("timeout");
    }

    @Test
    void aStepWithContinueOnErrorFailsAloneAndTheExecutionIsAPartialSuccess() throws Exception {
        create("""
                {"id": "lenient", "steps": [
                  {"id": "optional", "type": "http", "url": "%s", "continueOnError": true},
                  {"id": "after", "type": "set", "variables": {"went_on": true}}]}""".formatted(stub.url("/fail")));
        JsonNode execution = node.awaitEnd(node.run("lenient", null));
        assertThat(execution.get("status").asText()).isEqualTo("PARTIAL_SUCCESS");
        assertThat(execution.get("steps")).extracting(s -> s.get("id").asText() + "=" + s.get("status").asText())
                .containsExactly("optional=FAILED", "after=SUCCESS");
        assertThat(execution.at("/errors/0/step").asText()).isEqualTo("optional");
        assertThat(node.object(execution.get("context_path").asText()).at("/variables/went_on").asBoolean()).isTrue();
    }

    @Test
    void updatesReloadTheRouteLiveAndARunningExecutionFinishesOnItsVersion() throws Exception {
        String v1 = """
                {"id": "reloaded", "steps": [
                  {"id": "wait", "type": "http", "url": "%s"},
                  {"id": "old", "type": "log", "message": "version one"}]}""".formatted(stub.url("/hold/reload"));
        String v2 = """
                {"id": "reloaded", "steps": [
                  {"id": "new", "type": "set", "variables": {"v": 2}},
                  {"id": "later", "type": "log", "message": "version {{ variables.v }}"}]}""";
        create(v1);
        String first = node.run("reloaded", null);
        assertThat(stub.awaitArrival("reload")).isTrue();

        long t0 = System.nanoTime();
        HttpResponse<String> put = node.call("PUT", "/api/v1/jobs/reloaded", v2);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("the update does not wait for the running execution")
                .isLessThan(5_000);
        assertThat(node.json(put).get("version").asInt()).isEqualTo(2);
        String second = node.run("reloaded", null);

        stub.release("reload");
        JsonNode one = node.awaitEnd(first);
        assertThat(one.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(one.get("job_version").asInt()).isEqualTo(1);
        assertThat(one.get("steps")).extracting(s -> s.get("id").asText()).containsExactly("wait", "old");
        JsonNode two = node.awaitEnd(second);
        assertThat(two.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(two.get("job_version").asInt()).isEqualTo(2);
        assertThat(two.get("steps")).extracting(s -> s.get("id").asText()).containsExactly("new", "later");
        assertThat(node.object(two.get("context_path").asText()).at("/steps/later/output/message").asText())
                .isEqualTo("version 2");
        assertThat(node.caravan.camel().getRoute("job.reloaded")).isNotNull();
        assertThat(node.caravan.camel().getRoute("job.reloaded").getDescription()).contains("version 2");
        assertThat(node.object("jobs/reloaded/versions/1.json").at("/steps/1/id").asText()).isEqualTo("old");
        assertThat(node.object("jobs/reloaded/definition.json").at("/steps/0/id").asText()).isEqualTo("new");

        assertThat(node.call("DELETE", "/api/v1/jobs/reloaded", null).statusCode()).isEqualTo(204);
        assertThat(node.caravan.camel().getRoute("job.reloaded")).isNull();
        assertThat(node.call("GET", "/api/v1/jobs/reloaded", null).statusCode()).isEqualTo(404);
        assertThat(node.call("POST", "/api/v1/jobs/reloaded/executions", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void concurrentUpdatesLeaveTheDefinitionOfTheVersionThatWon() throws Exception {
        create("""
                {"id": "contested", "steps": [{"id": "s", "type": "log", "message": "v1"}]}""");
        List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String body = """
                    {"id": "contested", "description": "writer %d", "steps": [{"id": "s", "type": "log", "message": "w%d"}]}"""
                    .formatted(i, i);
            puts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return node.call("PUT", "/api/v1/jobs/contested", body);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        java.util.Map<Integer, String> winners = new java.util.HashMap<>();
        for (int i = 0; i < puts.size(); i++) {
            HttpResponse<String> r = puts.get(i).get();
            assertThat(r.statusCode()).as(r.body()).isIn(200, 409);
            if (r.statusCode() == 200) {
                winners.put(node.json(r).get("version").asInt(), "writer " + i);
            }
        }
        assertThat(winners).isNotEmpty();
        JsonNode job = node.json(node.call("GET", "/api/v1/jobs/contested", null));
        int version = job.get("version").asInt();
        assertThat(version).isEqualTo(1 + winners.size());
        assertThat(job.at("/definition/description").asText()).isEqualTo(winners.get(version));
        for (var winner : winners.entrySet()) {
            assertThat(node.object("jobs/contested/versions/" + winner.getKey() + ".json").at("/description").asText())
                    .isEqualTo(winner.getValue());
        }
    }

    @Test
    void routeIsServedAsYamlWithOneNamedNodePerStep() throws Exception {
        create("""
                {"id": "shown", "steps": [{"id": "a", "type": "log", "message": "x"},
                  {"id": "b", "type": "set", "variables": {"y": 1}}]}""");
        HttpResponse<String> route = node.call("GET", "/api/v1/jobs/shown/route", null);
        assertThat(route.statusCode()).isEqualTo(200);
        assertThat(route.body()).contains("id: job.shown").contains("id: shown.a").contains("id: shown.b")
                .contains("uri: direct:job.shown");
        var jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        String context = node.caravan.camel().getManagementName();
        for (String step : new String[] {"shown.a", "shown.b"}) {
            var name = new javax.management.ObjectName(
                    "org.apache.camel:context=" + context + ",type=processors,name=\"" + step + "\"");
            assertThat(jmx.isRegistered(name)).as("JMX shows step %s by name", step).isTrue();
        }
    }

    private void create(String job) throws Exception {
        HttpResponse<String> r = node.call("POST", "/api/v1/jobs", job);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** Every column of the execution's row, as text. */
    private List<String> executionRow(String id) throws Exception {
        try (Connection c = DriverManager.getConnection(node.caravan.databaseUrl(), "postgres", "postgres");
                PreparedStatement ps = c.prepareStatement("select * from executions where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                ResultSetMetaData meta = rs.getMetaData();
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    values.add(String.valueOf(rs.getObject(i)));
                }
                return values;
            }
        }
    }
}
