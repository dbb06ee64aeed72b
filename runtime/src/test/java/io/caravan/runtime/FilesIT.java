package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Files and rows between steps on a whole node (issue 6): a CSV written, read back, reshaped,
 * loaded into a table in batches and reported as a new CSV — with few rows (lists in the
 * context) and with many (references to files, which the checkpoint holds instead of the rows).
 */
class FilesIT extends OneNode {

    private static final String PIPELINE = """
            {"id": "%s", "params": {"n": {"type": "integer", "default": 3}},
             "steps": [
              {"id": "table", "type": "sql", "connection": "local",
               "query": "create table if not exists %s (sku text primary key, qty int not null, warehouse text not null)"},
              {"id": "source", "type": "sql", "connection": "local",
               "query": "select 'sku-' || i as \\"SKU\\", case when i %% 10 = 0 then -i else i end as \\"Quantity\\", '' as \\"Warehouse\\" from generate_series(1, cast(:n as int)) i",
               "parameters": {"n": "{{ params.n }}"}},
              {"id": "export", "type": "csv.write", "rows": "{{ steps.source.output.rows }}", "file": "stock-{{ params.n }}.csv", "delimiter": ";"},
              {"id": "parse", "type": "csv.read", "file": "{{ steps.export.output.file }}", "delimiter": ";"},
              {"id": "clean", "type": "transform", "rows": "{{ steps.parse.output.rows }}",
               "columns": {"sku": "{{ row.SKU.toUpperCase() }}", "qty": {"from": "Quantity", "type": "integer"},
                           "warehouse": {"from": "Warehouse", "default": "MAIN"}},
               "filter": "{{ row.qty >= 0 }}"},
              {"id": "load", "type": "sql", "connection": "local", "batch": 500, "rows": "{{ steps.clean.output.rows }}",
               "query": "insert into %s (sku, qty, warehouse) values (:sku, :qty, :warehouse)"},
              {"id": "rejects", "type": "csv.write", "rows": "{{ steps.clean.output.rejected }}", "file": "rejected.csv"},
              {"id": "total", "type": "sql", "connection": "local", "query": "select count(*) as n, sum(qty) as qty from %s"}
             ]}""";

    private void create(String id, String table) throws Exception {
        HttpResponse<String> r = node.call("POST", "/api/v1/jobs", PIPELINE.formatted(id, table, table, table));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void aFewRowsTravelAsListsAndEveryFileIsListed() throws Exception {
        create("stock-small", "stock_small");
        String id = node.run("stock-small", "{\"n\": 12}");
        JsonNode execution = node.awaitEnd(id);
        assertThat(execution.get("status").asText()).as(execution.toString()).isEqualTo("SUCCESS");

        JsonNode context = node.object("jobs/stock-small/executions/" + id + "/context.json");
        String prefix = "jobs/stock-small/executions/" + id + "/files/";
        assertThat(context.get("files")).extracting(f -> f.get("path").asText())
                .containsExactly(prefix + "stock-12.csv", prefix + "rejected.csv");
        assertThat(context.at("/steps/parse/output/rows")).hasSize(12);
        assertThat(context.at("/steps/clean/output/rowCount").asInt()).isEqualTo(11);
        assertThat(context.at("/steps/load/output/updated").asInt()).isEqualTo(11);
        assertThat(context.at("/steps/total/output/rows/0/n").asInt()).isEqualTo(11);
        assertThat(context.at("/steps/total/output/rows/0/qty").asInt()).isEqualTo(78 - 10 - 0); // 1..12 without 10
        assertThat(node.text(prefix + "stock-12.csv")).startsWith("SKU;Quantity;Warehouse\r\nsku-1;1;\r\n");
        assertThat(node.text(prefix + "rejected.csv")).isEqualTo("SKU,Quantity,Warehouse,_error\r\nsku-10,-10,,filtered out\r\n");

        assertThat(execution.get("result_urls")).extracting(u -> u.get("url").asText()).containsExactly(
                "/api/v1/executions/" + id + "/files/stock-12.csv", "/api/v1/executions/" + id + "/files/rejected.csv");
        HttpResponse<String> download = node.call("GET", execution.at("/result_urls/1/url").asText(), null);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("text/csv");
        assertThat(download.headers().firstValue("Content-Disposition")).hasValue("attachment; filename*=UTF-8''rejected.csv");
        assertThat(download.body()).isEqualTo(node.text(prefix + "rejected.csv"));
        HttpResponse<String> missing = node.call("GET", "/api/v1/executions/" + id + "/files/nothing.csv", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("has no file 'nothing.csv'");
        assertThat(node.call("GET", "/api/v1/executions/" + id + "/files/rejected.csv", null, "wrong-token")
                .statusCode()).isEqualTo(401);
    }

    @Test
    void manyRowsTravelAsReferencesToFilesNotAsRows() throws Exception {
        create("stock-large", "stock_large");
        String id = node.run("stock-large", "{\"n\": 5000}");
        JsonNode execution = node.awaitEnd(id);
        assertThat(execution.get("status").asText()).as(execution.toString()).isEqualTo("SUCCESS");

        JsonNode context = node.object("jobs/stock-large/executions/" + id + "/context.json");
        assertThat(context.at("/steps/parse/output/rows/$rows").asText()).endsWith("/files/stock-5000.csv");
        assertThat(context.at("/steps/parse/output/rows/count").asInt()).isEqualTo(5000);
        assertThat(context.at("/steps/clean/output/rows/format").asText()).isEqualTo("jsonl");
        assertThat(context.at("/steps/clean/output/rowCount").asInt()).isEqualTo(4500);
        assertThat(context.at("/steps/load/output/chunks").asInt()).isEqualTo(9);
        assertThat(context.at("/steps/total/output/rows/0/n").asInt()).isEqualTo(4500);
        assertThat(context.at("/steps/rejects/output/file/row_count").asInt()).isEqualTo(500);
        assertThat(context.get("files")).as("the working files of transform are not listed").hasSize(2);
    }

    @Test
    void aFileNameThatIsAPathFailsTheStepWithTheReason() throws Exception {
        HttpResponse<String> r = node.call("POST", "/api/v1/jobs", """
                {"id": "escape", "params": {"name": {"type": "string"}},
                 "steps": [{"id": "out", "type": "csv.write", "rows": [{"a": 1}], "file": "{{ params.name }}"}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode execution = node.awaitEnd(node.run("escape", "{\"name\": \"../../definition.json\"}"));

        assertThat(execution.get("status").asText()).isEqualTo("FAILED");
        assertThat(execution.toString()).contains("is a path");
    }
}
