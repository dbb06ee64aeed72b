package io.caravan.connectors.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** transform over rows in the context and rows streamed from files, against a real S3 server. */
class TransformStepTest {

    @TempDir
    static Path dir;
    private static TestStore store;

    private final TransformStep step = new TransformStep();
    private final TestCall call = TestCall.of(store.camel(), "clean");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(Object rows, Map<String, Object> columns, String filter, Boolean keep)
            throws Exception {
        return (Map<String, Object>) step.run(new TransformConfig(rows, columns, filter, keep), call);
    }

    private static Map<String, Object> row(Object... pairs) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            row.put((String) pairs[i], pairs[i + 1]);
        }
        return row;
    }

    @Test
    void mapsConvertsDefaultsAndFiltersAsTheBulkImportExampleDoes() throws Exception {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("sku", "{{ row.SKU.trim() }}");
        columns.put("qty", Map.of("from", "Quantity", "type", "integer"));
        columns.put("warehouse", Map.of("from", "Warehouse", "default", "MAIN"));
        columns.put("source", "import");
        List<Map<String, Object>> rows = List.of(
                row("SKU", " A-1 ", "Quantity", "5", "Warehouse", "EAST"),
                row("SKU", "B-2", "Quantity", "-1", "Warehouse", ""),
                row("SKU", "C-3", "Quantity", "lots", "Warehouse", "WEST"),
                row("SKU", "D-4", "Quantity", "7.0", "Warehouse", null));

        Map<String, Object> output = run(rows, columns, "{{ row.qty >= 0 }}", null);

        assertThat(output.get("rows")).isEqualTo(List.of(
                row("sku", "A-1", "qty", 5L, "warehouse", "EAST", "source", "import"),
                row("sku", "D-4", "qty", 7L, "warehouse", "MAIN", "source", "import")));
        assertThat(output).containsEntry("rowCount", 2L).containsEntry("rejectedCount", 2L);
        assertThat(output.get("rejected")).isEqualTo(List.of(
                row("SKU", "B-2", "Quantity", "-1", "Warehouse", "", "_error", "filtered out"),
                row("SKU", "C-3", "Quantity", "lots", "Warehouse", "WEST", "_error",
                        "column qty: 'lots' is not a number")));
    }

    @Test
    void convertsEveryTypeAndKeepsTheOtherColumnsWhenAsked() throws Exception {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("price", Map.of("type", "number"));
        columns.put("active", Map.of("type", "boolean"));
        columns.put("since", Map.of("type", "date", "format", "dd/MM/yyyy"));
        columns.put("code", Map.of("from", "id", "type", "string"));
        Map<String, Object> output = run(List.of(row("id", 12, "price", "10.50", "active", "yes", "since",
                "31/12/2025", "note", "kept")), columns, null, true);

        assertThat(output.get("rows")).isEqualTo(List.of(row("price", new BigDecimal("10.50"), "active", true,
                "since", "2025-12-31", "code", "12", "id", 12, "note", "kept")));
        Map<String, Object> wrongDate = run(List.of(row("since", "2025-12-31")), Map.of("since",
                Map.of("type", "date", "format", "dd/MM/yyyy")), null, null);
        assertThat(((List<?>) wrongDate.get("rejected"))).hasSize(1);
        assertThat(wrongDate.get("rejected").toString()).contains("is not a date in the given format");
    }

    @Test
    void withoutColumnsRowsPassWholeThroughTheFilter() throws Exception {
        Map<String, Object> output = run(List.of(row("n", 1), row("n", 2), row("n", 3)), null, "{{ row.n != 2 }}", null);

        assertThat(output.get("rows")).isEqualTo(List.of(row("n", 1), row("n", 3)));
        assertThat(output).containsEntry("rejectedCount", 1L);
    }

    @Test
    void manyRowsStreamFromAReferenceIntoAReference() throws Exception {
        int count = Rows.INLINE * 2 + 3;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(row("n", String.valueOf(i)));
        }
        Map<String, Object> first = run(rows, Map.of("n", Map.of("type", "integer")), null, null);
        assertThat(Rows.isReference(first.get("rows"))).isTrue();
        assertThat(call.execution().data().get("files")).as("working files are not listed").isEqualTo(List.of());

        Map<String, Object> second = run(first.get("rows"), Map.of("double", "{{ row.n * 2 }}"),
                "{{ row.double % 4 == 0 }}", null);
        assertThat(second).containsEntry("rowCount", (long) (count + 1) / 2);
        try (RowSource back = Rows.open(second.get("rows"), "rows", ExecutionFiles.of(call))) {
            long expected = 0;
            while (back.hasNext()) {
                assertThat(((Number) back.next().get("double")).longValue()).isEqualTo(expected);
                expected += 4;
            }
            assertThat(expected / 4).isEqualTo((count + 1) / 2);
        }
    }

    @Test
    void aFailingExpressionOrANonBooleanFilterFailsTheStep() throws Exception {
        assertThatThrownBy(() -> run(List.of(row("a", 1)), Map.of("b", "{{ nothing.here }}"), null, null))
                .isInstanceOf(StepException.class).hasMessageContaining("columns");
        assertThatThrownBy(() -> run(List.of(row("a", 1)), null, "{{ row.a }}", null))
                .isInstanceOf(StepException.class).hasMessageContaining("filter: expected true or false, got '1'");
        assertThatThrownBy(() -> run("not rows", null, null, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("rows: expected rows");
    }

    @Test
    void checksTheObjectFormOfAColumnAtSave() {
        Problems problems = new Problems();
        step.check(new TransformConfig(List.of(), Map.of("qty", Map.of("from", "Q", "type", "int"),
                "sku", Map.of("form", "SKU"), "ok", Map.of("from", "x", "type", "integer")), null, null), problems);

        assertThat(problems.list()).extracting(p -> p.path()).containsExactlyInAnyOrder("$.columns.qty", "$.columns.sku");
    }
}
