package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Secrets: stored encrypted, used by steps, and found nowhere else — rows, context, logs, API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsIT {

    private static final String VALUE = "s3cr3t-Value-42";

    private TestNode node;
    private Stub stub;
    private final StringWriter log = new StringWriter();
    private WriterAppender appender;

    @BeforeAll
    void start() throws Exception {
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        appender = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%m%n").build(), null, log,
                "secrets-capture", false, true);
        appender.start();
        logs.getConfiguration().addAppender(appender);
        logs.getRootLogger().addAppender(appender);
        stub = new Stub();
        node = TestNode.start();
    }

    @AfterAll
    void stop() {
        node.close();
        stub.close();
        ((LoggerContext) LogManager.getContext(false)).getRootLogger().removeAppender(appender);
    }

    @Test
    void aSecretIsUsedByStepsAndMaskedEverywhereItWouldShow() throws Exception {
        var put = node.call("PUT", "/api/v1/secrets/apiToken", "{\"value\": \"" + VALUE + "\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(node.call("PUT", "/api/v1/secrets/apiToken", "{\"value\": \"" + VALUE + "\"}").statusCode()).isEqualTo(200);
        var listed = node.call("GET", "/api/v1/secrets", null);
        assertThat(listed.body()).contains("apiToken", "key_id").doesNotContain(VALUE);
        assertThat(node.call("GET", "/api/v1/secrets/apiToken", null).body()).doesNotContain(VALUE);

        String rows = String.join(" ", node.query("select name || ' ' || encode(nonce, 'hex') || ' '"
                + " || encode(ciphertext, 'hex') || ' ' || encode(ciphertext, 'escape') from secrets"));
        assertThat(rows).as("the raw row").contains("apiToken").doesNotContain(VALUE)
                .doesNotContain(HexFormat.of().formatHex(VALUE.getBytes(StandardCharsets.UTF_8)));

        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "uses-secret", "steps": [
                  {"id": "call", "type": "http", "url": "%s", "headers": {"Authorization": "Bearer {{ secrets.apiToken }}"}},
                  {"id": "copy", "type": "set", "variables": {"copy": "{{ secrets.apiToken }}"}},
                  {"id": "say", "type": "log", "message": "token={{ secrets.apiToken }}"},
                  {"id": "leak", "type": "http", "url": "http://127.0.0.1:1/x?key={{ secrets.apiToken }}",
                   "continueOnError": true}]}""".formatted(stub.url("/echo"))).statusCode()).isEqualTo(201);
        String id = node.run("uses-secret", null);
        JsonNode done = node.awaitEnd(id);

        assertThat(done.get("status").asText()).isEqualTo("PARTIAL_SUCCESS");
        assertThat(stub.lastAuthorization).as("what the partner received").isEqualTo("Bearer " + VALUE);
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/steps/call/output/body/authorization").asText())
                .as("the step sent the real value; what came back is masked").isEqualTo("Bearer ***");
        assertThat(context.at("/variables/copy").asText()).isEqualTo("***");
        assertThat(context.at("/steps/say/output/message").asText()).isEqualTo("token=***");
        assertThat(context.toString()).doesNotContain(VALUE);
        assertThat(String.join(" ", node.query("select row_to_json(e)::text from executions e where id = ?::uuid", id))
                + String.join(" ", node.query("select row_to_json(s)::text from step_runs s where execution_id = ?::uuid", id)))
                .as("the execution's rows").doesNotContain(VALUE);
        assertThat(node.call("GET", "/api/v1/executions/" + id, null).body()).doesNotContain(VALUE);
        assertThat(node.call("GET", "/api/v1/executions/" + id + "/context", null).body()).doesNotContain(VALUE);
        assertThat(log.toString()).as("the node's log").contains("token=***").doesNotContain(VALUE);
    }

    @Test
    void aSecretParameterIsSealedInTheRowShownMaskedAndGivenBackWhenTheRunContinues() throws Exception {
        String password = "Param-Pass-7781";
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "secret-param", "params": {"password": {"type": "string", "secret": true, "required": true},
                                                   "user": {"type": "string", "default": "etl"}},
                 "defaults": {"retry": {"attempts": 1}},
                 "steps": [
                  {"id": "copy", "type": "set", "variables": {"copy": "{{ params.password }}"}},
                  {"id": "flaky", "type": "http", "url": "%s"},
                  {"id": "call", "type": "http", "url": "%s", "headers": {"Authorization": "Basic {{ params.password }}"}},
                  {"id": "say", "type": "log", "message": "{{ params.user }}:{{ params.password }}"}]}"""
                .formatted(stub.url("/once/secret-param"), stub.url("/echo"))).statusCode()).isEqualTo(201);
        String id = node.run("secret-param", "{\"password\": \"" + password + "\"}");
        assertThat(node.awaitEnd(id).get("status").asText()).as("the flaky step fails the first run").isEqualTo("FAILED");
        assertThat(node.call("POST", "/api/v1/executions/" + id + "/retry", null).statusCode()).isEqualTo(202);
        JsonNode done = node.awaitEnd(id);
        assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(stub.lastAuthorization).as("the value, given back from the row when the run continued from its checkpoint")
                .isEqualTo("Basic " + password);

        assertThat(done.at("/params/password").asText()).isEqualTo("***");
        assertThat(done.at("/params/user").asText()).isEqualTo("etl");
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/params/password").asText()).isEqualTo("***");
        assertThat(context.at("/steps/say/output/message").asText()).isEqualTo("etl:***");
        assertThat(context.toString()).doesNotContain(password);
        String row = String.join(" ", node.query("select params::text from executions where id = ?::uuid", id));
        assertThat(row).contains("$sealed").doesNotContain(password)
                .doesNotContain(java.util.Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
        assertThat(node.call("GET", "/api/v1/executions/" + id, null).body()).doesNotContain(password);
        assertThat(log.toString()).contains("etl:***").doesNotContain(password);
    }

    @Test
    void aJobReadingASecretThatIsNotSetFailsBeforeAnyStepNamingIt() throws Exception {
        assertThat(node.call("POST", "/api/v1/jobs", """
                {"id": "needs-secret", "steps": [{"id": "say", "type": "log", "message": "{{ secrets.notSet }}"}]}""")
                .statusCode()).isEqualTo(201);
        JsonNode done = node.awaitEnd(node.run("needs-secret", null));
        assertThat(done.get("status").asText()).isEqualTo("FAILED");
        assertThat(done.get("errors")).anySatisfy(e -> {
            assertThat(e.get("type").asText()).isEqualTo("secret");
            assertThat(e.get("message").asText()).contains("notSet");
        });
        assertThat(done.get("steps")).isEmpty();
    }
}
