package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's kind of job on a whole node: a partner's CSV files pulled over SFTP, reshaped, loaded
 * into a table in batches, read back, written as an Excel report and pushed back to the partner —
 * with the report's rows checked on the SFTP server's side.
 */
class SeedJobIT extends OneNode {

    private SftpServer sftp;

    @BeforeAll
    void startServer() throws Exception {
        sftp = SftpServer.start();
    }

    @AfterAll
    void stopServer() throws Exception {
        sftp.close();
    }

    @Test
    void csvFromTheInboxBecomesAnExcelReportInTheOutbox() throws Exception {
        HttpResponse<String> connection = node.call("POST", "/api/v1/connections",
                TestNode.JSON.writeValueAsString(sftp.connection("partner-sftp", Map.of("password", SftpServer.PASSWORD))));
        assertThat(connection.statusCode()).as(connection.body()).isEqualTo(201);
        Path inbox = Files.createDirectories(sftp.files().resolve("inbox"));
        StringBuilder csv = new StringBuilder("order_no;sku;qty\n");
        for (int i = 1; i <= 1500; i++) { // past the 1,000 rows a step's output holds: a reference from here on
            csv.append("PO-").append(i).append(";sku-").append(i % 7).append(';').append(i % 25 == 0 ? "n/a" : i % 9)
                    .append('\n');
        }
        Files.writeString(inbox.resolve("orders-2026-11-23.csv"), csv, StandardCharsets.UTF_8);
        Files.writeString(inbox.resolve("notes.txt"), "not a CSV", StandardCharsets.UTF_8);
        HttpResponse<String> job = node.call("POST", "/api/v1/jobs", """
                {"id": "partner-orders", "steps": [
                  {"id": "table", "type": "sql", "connection": "local",
                   "query": "create table if not exists partner_orders (order_no text primary key, sku text not null, qty int not null)"},
                  {"id": "pull", "type": "sftp.download", "connection": "partner-sftp", "from": "/inbox", "include": "*.csv"},
                  {"id": "parse", "type": "csv.read", "file": "{{ steps.pull.output.file }}", "delimiter": ";"},
                  {"id": "clean", "type": "transform", "rows": "{{ steps.parse.output.rows }}",
                   "columns": {"order_no": "{{ row.order_no }}", "sku": "{{ row.sku.toUpperCase() }}",
                               "qty": {"type": "integer"}}},
                  {"id": "load", "type": "sql", "connection": "local", "batch": 400, "rows": "{{ steps.clean.output.rows }}",
                   "query": "insert into partner_orders (order_no, sku, qty) values (:order_no, :sku, :qty) on conflict (order_no) do update set qty = excluded.qty"},
                  {"id": "totals", "type": "sql", "connection": "local",
                   "query": "select sku, count(*) as orders, sum(qty) as qty from partner_orders group by sku order by sku"},
                  {"id": "report", "type": "xlsx.write", "rows": "{{ steps.totals.output.rows }}", "sheet": "Totals",
                   "file": "totals-{{ steps.pull.output.file.filename }}.xlsx"},
                  {"id": "push", "type": "sftp.upload", "connection": "partner-sftp", "file": "{{ steps.report.output.file }}",
                   "to": "/outbox/"}
                ]}""");
        assertThat(job.statusCode()).as(job.body()).isEqualTo(201);

        JsonNode done = node.awaitEnd(node.run("partner-orders", "{}"));

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
        JsonNode context = node.object(done.get("context_path").asText());
        assertThat(context.at("/steps/pull/output/count").asInt()).as("only the CSV").isEqualTo(1);
        assertThat(context.at("/steps/parse/output/rows/count").asInt()).isEqualTo(1500);
        assertThat(context.at("/steps/clean/output/rowCount").asInt()).isEqualTo(1440);
        assertThat(context.at("/steps/clean/output/rejectedCount").asInt()).as("qty n/a").isEqualTo(60);
        assertThat(context.at("/steps/load/output/updated").asInt()).isEqualTo(1440);
        assertThat(context.at("/steps/load/output/chunks").asInt()).isEqualTo(4);

        assertThat(sftp.names("outbox")).containsExactly("totals-orders-2026-11-23.csv.xlsx");
        try (InputStream in = Files.newInputStream(sftp.files().resolve("outbox/totals-orders-2026-11-23.csv.xlsx"));
                XSSFWorkbook workbook = new XSSFWorkbook(in)) {
            Sheet sheet = workbook.getSheet("Totals");
            assertThat(sheet.getRow(0).getCell(0).getStringCellValue()).isEqualTo("sku");
            assertThat(sheet.getLastRowNum()).as("a header and one row per sku").isEqualTo(7);
            long orders = 0;
            long qty = 0;
            for (int r = 1; r <= sheet.getLastRowNum(); r++) {
                Row row = sheet.getRow(r);
                assertThat(row.getCell(0).getStringCellValue()).startsWith("SKU-");
                orders += (long) row.getCell(1).getNumericCellValue();
                qty += (long) row.getCell(2).getNumericCellValue();
            }
            long expectedQty = 0;
            for (int i = 1; i <= 1500; i++) {
                expectedQty += i % 25 == 0 ? 0 : i % 9;
            }
            assertThat(orders).isEqualTo(1440);
            assertThat(qty).isEqualTo(expectedQty);
        }
    }
}
