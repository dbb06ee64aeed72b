package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The secrets scan: secrets of every kind — a stored secret, a connection's secret, a secret
 * parameter — are used by jobs that send them to a partner, log them, copy them into variables
 * and fail with them in the error; then every place a secret could leak to is read whole and
 * searched for each value, plain or base64-, hex- or URL-encoded: every API response reachable
 * with the admin token, the node's log, every object in the S3 store (checkpoints, files,
 * definitions) and every text, JSON and binary column of every table of the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsScanIT {

    private static final String API_SECRET = "Scan-Api-Secret-7731";
    private static final String CONNECTION_SECRET = "Scan-Conn-Secret-5517";
    private static final String PARAM_SECRET = "Scan-Param-Secret-2208";

    private TestNode node;
    private Stub stub;
    private final StringWriter log = new StringWriter();
    private WriterAppender appender;

    @BeforeAll
    void start() throws Exception {
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        appender = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%m %throwable%n").build(), null,
                log, "secrets-scan", false, true);
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

    /** Each secret as it could show: plain, base64 (both alphabets, padded or not), hex, URL-encoded. */
    private static Map<String, String> forms() {
        Map<String, String> forms = new LinkedHashMap<>();
        for (String secret : List.of(API_SECRET, CONNECTION_SECRET, PARAM_SECRET)) {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            forms.put(secret, secret);
            forms.put(Base64.getEncoder().withoutPadding().encodeToString(bytes), "base64 of " + secret);
            forms.put(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), "base64url of " + secret);
            forms.put(HexFormat.of().formatHex(bytes), "hex of " + secret);
            forms.put(HexFormat.of().withUpperCase().formatHex(bytes), "HEX of " + secret);
            forms.put(URLEncoder.encode(secret, StandardCharsets.UTF_8), "url-encoded " + secret);
            forms.put(secret.toLowerCase(Locale.ROOT), "lower-case " + secret);
        }
        return forms;
    }

    /** What the scan found, by place; and how many places it read. */
    private final List<String> found = new ArrayList<>();
    private final Map<String, Integer> scanned = new LinkedHashMap<>();

    private void scan(String kind, String place, String text) {
        scanned.merge(kind, 1, Integer::sum);
        String lower = text.toLowerCase(Locale.ROOT);
        forms().forEach((form, what) -> {
            if (text.contains(form) || lower.contains(form.toLowerCase(Locale.ROOT))) {
                found.add(what + " in " + kind + " " + place);
            }
        });
    }

    private void api(String method, String path, String body) throws Exception {
        HttpResponse<String> response = node.call(method, path, body);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isLessThan(400);
        scan("api", method + " " + path, response.body() + " " + response.headers().map());
    }

    @Test
    void noSecretIsFoundAnywhereAfterJobsUsedThem() throws Exception {
        TestNode.expect(node.call("PUT", "/api/v1/secrets/partnerToken", "{\"value\": \"" + API_SECRET + "\"}"), 201);
        String db = node.caravan.databaseUrl().replace("/caravan", "/local");
        TestNode.expect(node.call("POST", "/api/v1/connections", """
                {"name": "warehouse", "type": "jdbc", "config": {"url": "%s", "username": "postgres"},
                 "secrets": {"password": "%s"}}""".formatted(db, CONNECTION_SECRET)), 201);
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "scanned", "params": {"pass": {"type": "string", "secret": true, "required": true}},
                 "steps": [
                  {"id": "json", "type": "http", "method": "POST", "url": "%s",
                   "body": {"token": "{{ secrets.partnerToken }}", "pass": "{{ params.pass }}"}},
                  {"id": "call", "type": "http", "url": "%s", "auth": {"bearer": "{{ secrets.partnerToken }}"}},
                  {"id": "basic", "type": "http", "url": "%s",
                   "headers": {"Authorization": "Basic {{ params.pass }}"}},
                  {"id": "copy", "type": "set", "variables": {"token": "{{ secrets.partnerToken }}",
                   "pass": "{{ params.pass }}", "both": "{{ secrets.partnerToken }}/{{ params.pass }}"}},
                  {"id": "say", "type": "log", "message": "token {{ secrets.partnerToken }} pass {{ params.pass }}"},
                  {"id": "query", "type": "sql", "connection": "warehouse",
                   "query": "select :t as t, :p as p", "parameters": {"t": "{{ secrets.partnerToken }}",
                   "p": "{{ params.pass }}"}},
                  {"id": "fails", "type": "sql", "connection": "warehouse", "continueOnError": true,
                   "query": "select cast(:t as int)", "parameters": {"t": "{{ secrets.partnerToken }}"}},
                  {"id": "leak", "type": "http", "url": "http://127.0.0.1:1/x?key={{ secrets.partnerToken }}",
                   "continueOnError": true, "retry": {"attempts": 1}}]}"""
                .formatted(stub.url("/echo"), stub.url("/echo"), stub.url("/echo"))), 201);

        String id = node.run("scanned", "{\"pass\": \"" + PARAM_SECRET + "\"}");
        JsonNode done = node.awaitEnd(id);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("PARTIAL_SUCCESS");
        assertThat(stub.lastAuthorization).as("the partner got the real value").isEqualTo("Basic " + PARAM_SECRET);
        assertThat(node.object(done.get("context_path").asText()).at("/steps/call/output/body/authorization").asText())
                .as("sent for real, masked in what came back").isEqualTo("Bearer ***");

        for (String path : List.of("/api/v1/jobs", "/api/v1/jobs/scanned", "/api/v1/jobs/scanned/versions",
                "/api/v1/jobs/scanned/versions/1", "/api/v1/jobs/scanned/route", "/api/v1/executions",
                "/api/v1/executions?job=scanned", "/api/v1/executions/" + id, "/api/v1/executions/" + id + "/context",
                "/api/v1/executions/" + id + "/files", "/api/v1/connections", "/api/v1/connections/warehouse",
                "/api/v1/secrets", "/api/v1/secrets/partnerToken", "/api/v1/audit", "/api/v1/tokens", "/api/v1/nodes",
                "/api/v1/queue", "/health")) {
            api("GET", path, null);
        }
        JsonNode files = node.json(node.call("GET", "/api/v1/executions/" + id + "/files", null));
        for (JsonNode file : files.isArray() ? files : files.path("files")) {
            api("GET", "/api/v1/executions/" + id + "/files/" + file.path("filename").asText(), null);
        }
        api("POST", "/api/v1/jobs/export", "{}");

        try (InputStream ignored = InputStream.nullInputStream()) {
            for (Result<Item> result : node.caravan.objectStoreClient().listObjects(ListObjectsArgs.builder()
                    .bucket(node.caravan.bucket()).recursive(true).build())) {
                String key = result.get().objectName();
                try (InputStream in = node.caravan.objectStoreClient().getObject(GetObjectArgs.builder()
                        .bucket(node.caravan.bucket()).object(key).build())) {
                    scan("s3", key, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                }
            }
        }

        for (String column : node.query("select table_schema || '.' || table_name || '.' || column_name || '.' || data_type"
                + " from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')"
                + " and data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')")) {
            String[] parts = column.split("\\.");
            String value = parts[3].equals("bytea") ? "encode(\"" + parts[2] + "\", 'escape')" : "\"" + parts[2] + "\"::text";
            List<String> rows = node.query("select string_agg(" + value + ", ' ') from \"" + parts[0] + "\".\""
                    + parts[1] + "\"");
            scan("db", parts[1] + "." + parts[2], String.valueOf(rows.get(0)));
        }

        scan("log", "node", log.toString());
        assertThat(log.toString()).as("the log step did write, masked").contains("token *** pass ***");

        System.out.printf("secrets scan: %d secrets in %d forms, places read: %s; found %d%n", 3, forms().size(),
                scanned, found.size());
        assertThat(found).as("secrets found").isEmpty();
    }
}
