package io.caravan.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Files that do not fit in the heap (issue 6): a node started with {@code -Xmx256m} (the
 * harness's {@link NodeProcess}) downloads a generated CSV with http saveAs and streams it
 * CSV → transform → CSV, CSV → transform → XLSX, and CSV → sql batch into a table. The suite runs 50 MB;
 * {@code -Dcaravan.streaming.mb=1024} runs the 1 GB version. Each run prints a {@code STREAMING}
 * line: MB/s over the execution and the node's peak RSS (VmHWM) since it started.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingIT {

    private static final long MB = Long.getLong("caravan.streaming.mb", 50);
    /** About 100 bytes a row; 1 GB as XLSX needs wider rows (a sheet holds 1,048,576): -Dcaravan.streaming.rowBytes=1100. */
    private static final int ROW_BYTES = Integer.getInteger("caravan.streaming.rowBytes", 100);

    private static final String PAD = ".".repeat(Math.max(8, ROW_BYTES - 60));

    private final Cluster cluster = new Cluster("StreamingIT");
    private HttpServer source;
    private NodeProcess node;
    private long rows;
    private long bytes;

    @BeforeAll
    void start() throws Exception {
        cluster.start(1, Map.of());
        node = cluster.node(0);
        cluster.services().localDb().update("create table if not exists readings (id bigint primary key,"
                + " sensor text not null, value numeric not null, taken date not null, note text)");
        rows = MB * 1024 * 1024 / ROW_BYTES;
        source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        source.createContext("/readings.csv", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/csv");
            exchange.sendResponseHeaders(200, 0); // chunked: as a partner's export would come
            try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody(), 1 << 16)) {
                write(out);
            }
        });
        source.start();
        bytes = countBytes();
    }

    @AfterAll
    void stop() throws Exception {
        if (source != null) {
            source.stop(0);
        }
        cluster.close();
    }

    /** Rows of about 100 bytes: id, sensor, value, date, note. */
    private void write(OutputStream out) throws IOException {
        out.write("id,sensor,value,taken,note\n".getBytes(StandardCharsets.UTF_8));
        StringBuilder line = new StringBuilder(128);
        for (long i = 1; i <= rows; i++) {
            line.setLength(0);
            line.append(i).append(",sensor-").append(i % 97).append(',').append(i % 1000).append('.').append(i % 100)
                    .append(",2026-").append(String.format("%02d", 1 + i % 12)).append("-15,")
                    .append("reading number ").append(i).append(" of the nightly export kept as text").append(PAD);
            line.setLength(Math.min(line.length(), ROW_BYTES - 1));
            out.write(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private long countBytes() throws IOException {
        CountingStream counter = new CountingStream();
        write(counter);
        return counter.count;
    }

    private String url() {
        return "http://127.0.0.1:" + source.getAddress().getPort() + "/readings.csv";
    }

    @Test
    void csvThroughTransformIntoCsv() throws Exception {
        node.createJob("""
                {"id": "stream-csv", "steps": [
                  {"id": "fetch", "type": "http", "url": "%s", "saveAs": "readings.csv", "responseTimeout": "PT10M"},
                  {"id": "parse", "type": "csv.read", "file": "{{ steps.fetch.output.file }}"},
                  {"id": "clean", "type": "transform", "rows": "{{ steps.parse.output.rows }}",
                   "columns": {"id": {"type": "integer"}, "sensor": {}, "value": {"type": "number"},
                               "taken": {"type": "date"}},
                   "filter": "{{ row.value >= 1 }}"},
                  {"id": "out", "type": "csv.write", "rows": "{{ steps.clean.output.rows }}", "file": "clean.csv"}
                ]}""".formatted(url()));
        JsonNode end = run("stream-csv");

        JsonNode context = cluster.services().object(end.get("context_path").asText());
        long kept = context.at("/steps/clean/output/rowCount").asLong();
        assertThat(context.at("/steps/parse/output/rowCount").asLong()).isEqualTo(rows);
        assertThat(kept + context.at("/steps/clean/output/rejectedCount").asLong()).isEqualTo(rows);
        assertThat(context.at("/steps/out/output/rowCount").asLong()).isEqualTo(kept);
        assertThat(kept).isBetween(rows * 9 / 10, rows);
    }

    @Test
    void csvThroughTransformIntoXlsx() throws Exception {
        node.createJob("""
                {"id": "stream-xlsx", "steps": [
                  {"id": "fetch", "type": "http", "url": "%s", "saveAs": "readings.csv", "responseTimeout": "PT10M"},
                  {"id": "parse", "type": "csv.read", "file": "{{ steps.fetch.output.file }}"},
                  {"id": "clean", "type": "transform", "rows": "{{ steps.parse.output.rows }}",
                   "columns": {"id": {"type": "integer"}, "sensor": {}, "value": {"type": "number"},
                               "taken": {"type": "date"}, "note": {}}},
                  {"id": "report", "type": "xlsx.write", "rows": "{{ steps.clean.output.rows }}", "file": "readings.xlsx",
                   "sheet": "Readings"}
                ]}""".formatted(url()));
        JsonNode end = run("stream-xlsx");

        JsonNode context = cluster.services().object(end.get("context_path").asText());
        assertThat(context.at("/steps/report/output/rowCount").asLong()).isEqualTo(rows);
        assertThat(context.at("/steps/report/output/file/size").asLong()).isPositive();
    }

    @Test
    void csvIntoATableInBatches() throws Exception {
        node.createJob("""
                {"id": "stream-sql", "steps": [
                  {"id": "fetch", "type": "http", "url": "%s", "saveAs": "readings.csv", "responseTimeout": "PT10M"},
                  {"id": "parse", "type": "csv.read", "file": "{{ steps.fetch.output.file }}"},
                  {"id": "load", "type": "sql", "connection": "local", "batch": 5000, "rows": "{{ steps.parse.output.rows }}",
                   "query": "insert into readings (id, sensor, value, taken, note) values (cast(:id as bigint), :sensor, cast(:value as numeric), cast(:taken as date), :note) on conflict (id) do nothing"}
                ]}""".formatted(url()));
        JsonNode end = run("stream-sql");

        assertThat(cluster.services().localDb().query("select count(*)::bigint as n from readings").get(0).get("n"))
                .isEqualTo(rows);
        assertThat(end.get("status").asText()).isEqualTo("SUCCESS");
    }

    private JsonNode run(String job) throws Exception {
        String id = node.run(job, Map.of());
        JsonNode end = node.awaitEnd(id, Duration.ofMinutes(MB > 100 ? 60 : 5));
        assertThat(end.get("status").asText()).as(end.toString()).isEqualTo("SUCCESS");
        double seconds = Duration.between(Instant.parse(end.get("started_at").asText()),
                Instant.parse(end.get("completed_at").asText())).toMillis() / 1000.0;
        StringBuilder steps = new StringBuilder();
        for (JsonNode step : end.get("steps")) {
            steps.append(' ').append(step.get("id").asText()).append('=').append(Duration.between(
                    Instant.parse(step.get("started_at").asText()), Instant.parse(step.get("completed_at").asText()))
                    .toMillis()).append("ms");
        }
        System.out.printf("STREAMING %s: %.1f MB (%d rows) in %.1f s = %.1f MB/s; node peak RSS %d MiB (-Xmx256m);%s%n",
                job, bytes / 1048576.0, rows, seconds, bytes / 1048576.0 / seconds, peakRssMib(), steps);
        return end;
    }

    private long peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + node.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static final class CountingStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
