package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.caravan.runtime.hooks.Signatures;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository's {@code examples/} (the shared job documents that must keep working), stored
 * unchanged and run end to end on a whole node against peers in this JVM: the CRM and the mailer
 * are HTTP servers on 127.0.0.1, the partner's SFTP server and the app host are one Apache MINA
 * SSHD server (SFTP and commands), the warehouse is a database of the embedded PostgreSQL, and
 * {@code crm-archive} a bucket of the node's S3 server. What each job did is checked where it
 * landed: rows in the warehouse, files on the SFTP server, objects in the bucket, mails sent.
 */
class ExamplesIT extends OneNode {

    private static final Path EXAMPLES = Path.of("../examples");
    private static final String CRM_TOKEN = "crm-token-5521";
    private static final String CRM_WEBHOOK = "whsec_" + Base64.getEncoder().encodeToString(
            "crm-signing-key-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII));

    private SftpServer sftp;
    private Stub peers;
    private String warehouseUrl;
    private final List<String> mails = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startPeers() throws Exception {
        sftp = SftpServer.start();
        peers = new Stub();
        peers.on("/crm/", this::crm);
        peers.on("/mailer/send", ex -> {
            mails.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Stub.reply(ex, 202, "{\"queued\":true}");
        });
        peers.on("/files/", this::files);
        node.sql("create database warehouse");
        warehouseUrl = node.caravan.databaseUrl().replace("/caravan", "/warehouse");
        warehouse("create table stock (sku text not null, qty integer not null, warehouse text not null,"
                + " primary key (sku, warehouse))",
                "create table partner_orders (order_no text primary key, sku text not null, qty integer not null)",
                "create table crm_users (id integer primary key, name text, email text,"
                + " created_at timestamptz not null default now())");
        node.caravan.objectStoreClient().makeBucket(MakeBucketArgs.builder().bucket("crm-archive").build());
        connection(Map.of("name", "warehouse", "type", "jdbc", "config", Map.of("url", warehouseUrl,
                "username", "postgres"), "secrets", Map.of("password", "postgres")));
        connection(Map.of("name", "crm", "type", "http", "config", Map.of("base_url", peers.url("/crm"))));
        connection(Map.of("name", "mailer", "type", "http", "config", Map.of("base_url", peers.url("/mailer"))));
        connection(sftp.connection("partner-sftp", Map.of("password", SftpServer.PASSWORD)));
        connection(sftp.connection("app-host", "ssh", Map.of("privateKey", sftp.clientKeyPem())));
        secret("crm_token", CRM_TOKEN);
        secret("crm_webhook", CRM_WEBHOOK);
        Files.createDirectories(sftp.files().resolve("inbox"));
        for (String example : List.of("bulk-import", "crm-webhook", "partner-inbox", "system-maintenance",
                "user-report")) {
            HttpResponse<String> stored = node.call("POST", "/api/v1/jobs",
                    Files.readString(EXAMPLES.resolve(example + ".json")));
            assertThat(stored.statusCode()).as(example + ": " + stored.body()).isEqualTo(201);
        }
    }

    @AfterAll
    void stopPeers() throws Exception {
        peers.close();
        sftp.close();
    }

    @Test
    void bulkImportLoadsACsvAndOffersTheRejectedRows() throws Exception {
        JsonNode done = node.awaitEnd(node.run("bulk-import",
                "{\"file_url\": \"" + peers.url("/files/stock.csv") + "\"}"));

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
        assertThat(warehouseRows("select sku || ':' || qty || ':' || warehouse from stock where sku like 'CSV-%'"
                + " order by sku")).containsExactly("CSV-1:5:MAIN", "CSV-2:0:NORTH", "CSV-4:12:MAIN");
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/steps/parse_xlsx/status").asText()).isEqualTo("SKIPPED");
        assertThat(context.at("/steps/load/output/updated").asInt()).isEqualTo(3);
        assertThat(download(done, "rejected-rows.csv")).as("the negative quantity and the one that is no number")
                .contains("CSV-3").contains("CSV-5").doesNotContain("CSV-1,");
    }

    @Test
    void bulkImportTakesAnExcelWorkbookToo() throws Exception {
        JsonNode done = node.awaitEnd(node.run("bulk-import",
                "{\"file_url\": \"" + peers.url("/files/stock.xlsx") + "\", \"format\": \"xlsx\"}"));

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
        assertThat(warehouseRows("select sku || ':' || qty || ':' || warehouse from stock where sku like 'XL-%'"
                + " order by sku")).containsExactly("XL-1:7:MAIN", "XL-2:3:SOUTH");
    }

    @Test
    void aSignedCrmCallArchivesTheCustomerAndSendsTheWelcomeMail() throws Exception {
        String body = "{\"type\": \"customer.created\", \"customer\": {\"id\": 7301}}";
        HttpResponse<String> accepted = signedHook("crm-webhook", "msg_7301", body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        JsonNode done = node.awaitEnd(TestNode.JSON.readTree(accepted.body()).get("id").asText());

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
        try (InputStream in = node.caravan.objectStoreClient().getObject(GetObjectArgs.builder()
                .bucket("crm-archive").object("customers/7301.json").build())) {
            JsonNode archived = TestNode.JSON.readTree(in);
            assertThat(archived.get("email").asText()).isEqualTo("ana.7301@example.com");
        }
        assertThat(mails).anySatisfy(mail -> {
            JsonNode sent = TestNode.JSON.readTree(mail);
            assertThat(sent.get("to").asText()).isEqualTo("ana.7301@example.com");
            assertThat(sent.get("template").asText()).isEqualTo("welcome");
        });
    }

    @Test
    void aPartnersDropIsLoadedOnceAndAReceiptGoesBack() throws Exception {
        Files.writeString(sftp.files().resolve("inbox/orders-0042.csv"),
                "order_no;sku;qty\nPO-1;A-1;3\nPO-2;B-7;1\nPO-3;A-1;9\n", StandardCharsets.UTF_8);

        String id = await().atMost(Duration.ofSeconds(30)).until(() -> node.query(
                "select id::text from executions where job_id = 'partner-inbox'"), ids -> !ids.isEmpty()).get(0);
        JsonNode done = node.awaitEnd(id);

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
        assertThat(sftp.names("outbox")).containsExactly("receipt-orders-0042.csv");

        assertThat(warehouseRows("select order_no || ':' || sku || ':' || qty from partner_orders order by order_no"))
                .containsExactly("PO-1:A-1:3", "PO-2:B-7:1", "PO-3:A-1:9");
        assertThat(Files.readString(sftp.files().resolve("outbox/receipt-orders-0042.csv")))
                .isEqualToIgnoringNewLines("file,rows,loadedorders-0042.csv,3,3");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(sftp.names("inbox/.done")).as("moved once loaded").containsExactly("orders-0042.csv"));
    }

    @Test
    void maintenanceRunsOnTheHostAndCollectsItsLogs() throws Exception {
        Path sudo = sftp.bin().resolve("sudo");
        // the host's privileged commands: the maintenance script writes its log where the job collects it
        Files.writeString(sudo, """
                #!/bin/sh
                case "$1" in
                  /opt/maint/run.sh) mkdir -p '%1$s/var/log/maint' && echo "maintenance $2 done" > "%1$s/var/log/maint/run-$2.log" && echo "ran $2";;
                  systemctl) echo "$*" >> '%1$s/reboots';;
                  *) echo "sudo: $1: not allowed" >&2; exit 1;;
                esac
                """.formatted(sftp.files()));
        Files.setPosixFilePermissions(sudo, PosixFilePermissions.fromString("rwxr-xr-x"));

        JsonNode done = node.awaitEnd(node.run("system-maintenance",
                "{\"maintenance_type\": \"full\", \"reboot_required\": true}"));

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/steps/status/output/exit_code").asInt()).isZero();
        assertThat(context.at("/steps/status/output/stdout").asText()).contains("load average").contains("Mem:");
        assertThat(context.at("/steps/update/output/stdout").asText()).isEqualTo("ran full\n");
        assertThat(context.at("/steps/collect/output/file/filename").asText()).isEqualTo("run-full.log");
        assertThat(download(done, "run-full.log")).isEqualTo("maintenance full done\n");
        assertThat(Files.readString(sftp.files().resolve("reboots"))).isEqualTo("systemctl reboot\n");
    }

    @Test
    void theUserReportUpsertsNewUsersAndDeliversAWorkbook() throws Exception {
        String since = LocalDate.now().minusDays(1).toString();

        JsonNode done = node.awaitEnd(node.run("user-report", "{\"since\": \"" + since + "\"}"));

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
        assertThat(warehouseRows("select id || ':' || name || ':' || email from crm_users order by id"))
                .containsExactly("1:Ana:ana@example.com", "2:Binh:binh@example.com");
        String report = "incoming/reports/users-" + since + ".xlsx";
        try (InputStream in = Files.newInputStream(sftp.files().resolve(report));
                XSSFWorkbook workbook = new XSSFWorkbook(in)) {
            Sheet sheet = workbook.getSheet("Users");
            assertThat(sheet.getRow(0).getCell(2).getStringCellValue()).isEqualTo("email");
            assertThat(sheet.getLastRowNum()).isEqualTo(2);
            Row second = sheet.getRow(2);
            assertThat(second.getCell(1).getStringCellValue()).isEqualTo("Binh");
        }
    }

    /** The CRM's API: customers and new users, for callers with its token only. */
    private void crm(HttpExchange ex) throws java.io.IOException {
        if (!("Bearer " + CRM_TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            Stub.reply(ex, 401, "{\"error\":\"no token\"}");
            return;
        }
        String path = ex.getRequestURI().getPath();
        if (path.startsWith("/crm/customers/")) {
            String id = path.substring("/crm/customers/".length());
            Stub.reply(ex, 200, "{\"id\":" + id + ",\"name\":\"Ana\",\"email\":\"ana." + id + "@example.com\"}");
        } else if (path.equals("/crm/users") && ex.getRequestURI().getQuery().startsWith("created_after=")) {
            Stub.reply(ex, 200, "{\"data\":[{\"id\":1,\"name\":\"Ana\",\"email\":\"ana@example.com\"},"
                    + "{\"id\":2,\"name\":\"Binh\",\"email\":\"binh@example.com\"}]}");
        } else {
            Stub.reply(ex, 404, "{}");
        }
    }

    /** The files an API client asks bulk-import to fetch. */
    private void files(HttpExchange ex) throws java.io.IOException {
        byte[] body;
        if (ex.getRequestURI().getPath().endsWith(".csv")) {
            body = ("SKU,Quantity,Warehouse\n CSV-1 ,5,\nCSV-2,0,NORTH\nCSV-3,-2,MAIN\nCSV-4,12,\nCSV-5,lots,MAIN\n")
                    .getBytes(StandardCharsets.UTF_8);
        } else {
            try (XSSFWorkbook workbook = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
                Sheet sheet = workbook.createSheet("Stock");
                Object[][] rows = {{"SKU", "Quantity", "Warehouse"}, {"XL-1", 7, null}, {"XL-2", 3, "SOUTH"}};
                for (int r = 0; r < rows.length; r++) {
                    Row row = sheet.createRow(r);
                    for (int c = 0; c < 3; c++) {
                        Object value = rows[r][c];
                        if (value instanceof Integer number) {
                            row.createCell(c).setCellValue(number);
                        } else if (value != null) {
                            row.createCell(c).setCellValue((String) value);
                        }
                    }
                }
                workbook.write(out);
                body = out.toByteArray();
            }
        }
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private HttpResponse<String> signedHook(String job, String id, String body) throws Exception {
        long ts = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Signatures.key(CRM_WEBHOOK), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.base() + "/hooks/" + job))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("webhook-id", id).header("webhook-timestamp", String.valueOf(ts))
                .header("webhook-signature", "v1," + signature).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A file of an ended execution, through the API. */
    private String download(JsonNode execution, String name) throws Exception {
        HttpResponse<String> file = node.call("GET", "/api/v1/executions/" + execution.get("id").asText() + "/files/"
                + name, null);
        assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
        return file.body();
    }

    private void connection(Map<String, Object> body) throws Exception {
        HttpResponse<String> created = node.call("POST", "/api/v1/connections", TestNode.JSON.writeValueAsString(body));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private void secret(String name, String value) throws Exception {
        HttpResponse<String> put = node.call("PUT", "/api/v1/secrets/" + name,
                TestNode.JSON.writeValueAsString(Map.of("value", value)));
        assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
    }

    private void warehouse(String... statements) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(warehouseUrl, "postgres", "postgres");
                java.sql.Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private List<String> warehouseRows(String query) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(warehouseUrl, "postgres", "postgres");
                java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(query)) {
            List<String> rows = new java.util.ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
