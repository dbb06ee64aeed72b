package io.caravan.connectors.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.csv.CsvReadConfig;
import io.caravan.connectors.csv.CsvReadStep;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.Rows;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sql step given rows: batches in chunks, one transaction each, against real PostgreSQL and S3. */
class SqlBatchTest {

    private static final String INSERT = "insert into stock (sku, qty, warehouse) values (:sku, cast(:qty as int), :warehouse)";

    @TempDir
    static Path dir;
    private static TestStore store;
    private static EmbeddedPostgres postgres;

    private final SqlStep step = new SqlStep();
    private final TestCall call = TestCall.of(store.camel(), "load");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir);
        postgres = EmbeddedPostgres.builder().start();
        store.camel().getRegistry().bind(SqlStep.dataSourceBean("warehouse"), postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
        postgres.close();
    }

    @BeforeEach
    void table() throws Exception {
        sql("drop table if exists stock");
        sql("create table stock (sku text primary key, qty int not null check (qty >= 0), warehouse text not null)");
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static long count() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from stock")) {
            r.next();
            return r.getLong(1);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> load(Object rows, Integer batch, Map<String, Object> parameters) throws Exception {
        return (Map<String, Object>) step.run(new SqlConfig("warehouse", INSERT, parameters, null, rows, batch), call);
    }

    private static List<Map<String, Object>> rows(int count) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(Map.of("sku", "S" + i, "qty", i, "warehouse", "MAIN"));
        }
        return rows;
    }

    @Test
    void insertsEveryRowInChunks() throws Exception {
        Map<String, Object> output = load(rows(25), 10, null);

        assertThat(output).containsEntry("updated", 25L).containsEntry("rowCount", 25L).containsEntry("chunks", 3);
        assertThat(count()).isEqualTo(25);
    }

    @Test
    void aFailingChunkRollsBackAloneAndSaysWhatWasCommitted() throws Exception {
        List<Map<String, Object>> rows = rows(25);
        rows.set(14, Map.of("sku", "BAD", "qty", -1, "warehouse", "MAIN")); // the check constraint refuses it

        assertThatThrownBy(() -> load(rows, 10, null)).isInstanceOfSatisfying(StepException.class, e -> {
            assertThat(e.type()).isEqualTo("sql.constraint");
            assertThat(e.getMessage()).contains("rows 11–20 (rolled back; 10 rows before them were committed)");
            assertThat(e.retryable()).isFalse();
        });
        assertThat(count()).as("the first chunk only").isEqualTo(10);
    }

    @Test
    void aNameMissingFromARowComesFromParametersOrFailsNamingTheRow() throws Exception {
        List<Map<String, Object>> rows = List.of(Map.of("sku", "A", "qty", 1), Map.of("sku", "B", "qty", 2));
        assertThat(load(rows, null, Map.of("warehouse", "EAST"))).containsEntry("updated", 2L);

        assertThatThrownBy(() -> load(List.of(Map.of("sku", "C", "qty", 1)), null, null))
                .isInstanceOf(StepException.class).hasMessageContaining("row 1 has no 'warehouse'");
    }

    @Test
    void rowsOfALargeCsvStreamFromItsFileIntoTheTable() throws Exception {
        int count = Rows.INLINE * 5 + 1;
        ExecutionFiles.of(call).write("stock.csv", "file", out -> {
            out.write("sku;qty;warehouse\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < count; i++) {
                out.write(("S" + i + ";" + i + ";W\n").getBytes(StandardCharsets.UTF_8));
            }
            return null;
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) new CsvReadStep().run(new CsvReadConfig("stock.csv", ";",
                null, null, null, null, null), call);

        assertThat(load(parsed.get("rows"), 2000, null)).containsEntry("updated", (long) count).containsEntry("chunks", 3);
        assertThat(count()).isEqualTo(count);
    }

    @Test
    void aLargeResultIsReadThroughACursorAndHandedOnAsAReference() throws Exception {
        int count = Rows.INLINE * 3;
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) step.run(new SqlConfig("warehouse",
                "select i as id, 'S' || i as sku from generate_series(1, :n) i order by i", Map.of("n", count), 20_000),
                call);

        assertThat(result).containsEntry("rowCount", (long) count).containsEntry("truncated", false);
        assertThat(Rows.isReference(result.get("rows"))).isTrue();
        try (var rows = Rows.open(result.get("rows"), "rows", ExecutionFiles.of(call))) {
            long n = 0;
            while (rows.hasNext()) {
                assertThat(rows.next()).isEqualTo(Map.of("id", (int) ++n, "sku", "S" + n));
            }
            assertThat(n).isEqualTo(count);
        }
    }

    @Test
    void batchWithoutRowsAndABadBatchSizeAreRefusedAtSave() {
        Problems problems = new Problems();
        step.check(new SqlConfig("warehouse", INSERT, null, null, null, 0), problems);

        assertThat(problems.list()).extracting(p -> p.path() + " " + p.message()).contains(
                "$.batch must be at least 1, got 0", "$.batch applies to rows; give rows to run the statement for");
    }
}
