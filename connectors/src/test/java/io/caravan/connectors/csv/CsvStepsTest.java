package io.caravan.connectors.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.job.step.StepException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** csv.read and csv.write against a real S3 server: round trips, dialects, escaping, large files, bad input. */
class CsvStepsTest {

    @TempDir
    static Path dir;
    private static TestStore store;

    private final CsvReadStep read = new CsvReadStep();
    private final CsvWriteStep write = new CsvWriteStep();
    private final TestCall call = TestCall.of(store.camel(), "step");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> write(String file, Object rows, Boolean escape, String delimiter, String charset)
            throws Exception {
        return (Map<String, Object>) write.run(new CsvWriteConfig(file, rows, null, delimiter, null, null, charset,
                escape), call);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(Object file, String delimiter, Boolean header, List<String> columns,
            String charset) throws Exception {
        return (Map<String, Object>) read.run(new CsvReadConfig(file, delimiter, null, header, columns, charset, null),
                call);
    }

    private void put(String name, byte[] content) throws Exception {
        ExecutionFiles.of(call).write(name, "file", out -> {
            out.write(content);
            return null;
        });
    }

    /** Rows of text with everything CSV must quote: delimiters, quotes, line breaks, spaces, non-ASCII. */
    private static List<Map<String, Object>> generated(Random random, int count) {
        String alphabet = "ab,;\"\n\r x'é€日\t|";
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (String column : List.of("id", "name", "note")) {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(12);
                for (int c = 0; c < length; c++) {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                row.put(column, text.toString());
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void writeThenReadKeepsEveryValueAcrossDialects() throws Exception {
        Random random = new Random(42);
        for (String delimiter : List.of(",", ";", "\t", "|")) {
            List<Map<String, Object>> rows = generated(random, 200);
            rows.forEach(row -> row.replaceAll((k, v) -> v.equals("") ? "" : "v" + v)); // no formula-like starts
            Map<String, Object> written = write("dialect.csv", rows, true, delimiter, null);
            Map<String, Object> back = read(written.get("file"), delimiter, true, null, null);

            assertThat(written.get("rowCount")).isEqualTo(200L);
            assertThat(back.get("rowCount")).isEqualTo(200L);
            assertThat(back.get("columns")).isEqualTo(List.of("id", "name", "note"));
            assertThat(back.get("rows")).as("delimiter %s", delimiter).isEqualTo(rows);
        }
    }

    @Test
    void formulaLikeTextIsEscapedByDefaultAndOnlyThen() throws Exception {
        List<Map<String, Object>> rows = List.of(
                Map.of("a", "=HYPERLINK(\"http://x\")", "b", "+1+cmd", "c", "-2-3", "d", "@SUM(A1)", "e", "\tx", "f", "\rx"),
                Map.of("a", "plain", "b", 5, "c", "-3.5", "d", "a=b", "e", "+7", "f", "x"));
        List<String> columns = List.of("a", "b", "c", "d", "e", "f");
        Map<String, Object> escaped = (Map<String, Object>) write.run(new CsvWriteConfig("esc.csv", rows, columns, null,
                null, null, null, null), call);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> back = (List<Map<String, Object>>) read(((Map<?, ?>) escaped).get("file"), null, true,
                null, null).get("rows");

        assertThat(back.get(0)).containsEntry("a", "'=HYPERLINK(\"http://x\")").containsEntry("b", "'+1+cmd")
                .containsEntry("c", "'-2-3").containsEntry("d", "'@SUM(A1)").containsEntry("e", "'\tx")
                .containsEntry("f", "'\rx");
        assertThat(back.get(1)).as("numbers, signed numbers as text, and text not starting with a formula character are kept")
                .containsEntry("a", "plain").containsEntry("b", "5").containsEntry("c", "-3.5").containsEntry("d", "a=b")
                .containsEntry("e", "+7");

        Map<String, Object> raw = write("raw.csv", rows.subList(0, 1), false, null, null);
        assertThat(((List<?>) read(raw.get("file"), null, true, null, null).get("rows")).get(0))
                .isEqualTo(rows.get(0));
    }

    @Test
    void readsHeaderlessFilesCharsetsAndByteOrderMarks() throws Exception {
        put("plain.csv", "1;Ann\n2;Bob\n".getBytes(StandardCharsets.UTF_8));
        assertThat(read("plain.csv", ";", false, null, null).get("rows")).isEqualTo(List.of(
                Map.of("column1", "1", "column2", "Ann"), Map.of("column1", "2", "column2", "Bob")));
        assertThat(read("plain.csv", ";", false, List.of("id", "name"), null).get("rows"))
                .isEqualTo(List.of(Map.of("id", "1", "name", "Ann"), Map.of("id", "2", "name", "Bob")));

        put("latin.csv", "name\nJosé\n".getBytes(Charset.forName("ISO-8859-1")));
        assertThat(read("latin.csv", null, true, null, "ISO-8859-1").get("rows")).isEqualTo(List.of(Map.of("name", "José")));

        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "id,name\n7,Zoë\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, withBom, 0, 3);
        System.arraycopy(body, 0, withBom, 3, body.length);
        put("bom.csv", withBom);
        assertThat(read("bom.csv", null, true, null, null).get("columns")).isEqualTo(List.of("id", "name"));
    }

    @Test
    void manyRowsAreHandedOnAsAReferenceAndStreamedByTheNextStep() throws Exception {
        int count = Rows.INLINE * 3 + 7;
        StringBuilder csv = new StringBuilder("n,square\n");
        for (int i = 0; i < count; i++) {
            csv.append(i).append(',').append((long) i * i).append('\n');
        }
        put("big.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> output = read("big.csv", null, true, null, null);

        assertThat(output.get("rowCount")).isEqualTo((long) count);
        assertThat(Rows.isReference(output.get("rows"))).as("a reference, not %d rows in the context", count).isTrue();
        Map<String, Object> copy = write("copy.csv", output.get("rows"), true, ";", null);
        assertThat(copy.get("rowCount")).isEqualTo((long) count);
        try (RowSource rows = Rows.open(read(copy.get("file"), ";", true, null, null).get("rows"), "rows",
                ExecutionFiles.of(call))) {
            long n = 0;
            while (rows.hasNext()) {
                Map<String, Object> row = rows.next();
                assertThat(row).isEqualTo(Map.of("n", String.valueOf(n), "square", String.valueOf(n * n)));
                n++;
            }
            assertThat(n).isEqualTo(count);
        }
    }

    @Test
    void badFilesAndSettingsFailWithTheReason() throws Exception {
        put("unclosed.csv", "a,b\n1,\"open\n".getBytes(StandardCharsets.UTF_8));
        put("wide.csv", "a,b\n1,2\n1,2,3\n".getBytes(StandardCharsets.UTF_8));
        put("twice.csv", "a,a\n1,2\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> read("unclosed.csv", null, true, null, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("unclosed.csv").hasMessageContaining("not CSV");
        assertThatThrownBy(() -> read("wide.csv", null, true, null, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("line 2 has 3 values, but there are 2 columns");
        assertThatThrownBy(() -> read("twice.csv", null, true, null, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("duplicate name: \"a\"");
        assertThatThrownBy(() -> read("missing.csv", null, true, null, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("missing.csv does not exist");
        assertThatThrownBy(() -> read("plain.csv", "::", true, null, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("delimiter must be one character");
        assertThatThrownBy(() -> write("../escape.csv", List.of(Map.of("a", 1)), true, null, null))
                .isInstanceOf(StepException.class).hasMessageContaining("is a path");
        assertThatThrownBy(() -> read("jobs/other/executions/x/files/a.csv", null, true, null, null))
                .isInstanceOf(StepException.class).hasMessageContaining("is not a file of this execution");
        assertThatThrownBy(() -> write("rows.csv", List.of(Map.of("a", 1), "text"), true, null, null))
                .isInstanceOf(StepException.class).hasMessageContaining("rows[1] is not an object");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aWrittenFileIsListedInTheContextWithItsRowCount() throws Exception {
        Map<String, Object> written = write("listed.csv", List.of(Map.of("a", 1), Map.of("a", 2)), true, null, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> file = (Map<String, Object>) written.get("file");

        assertThat(file).containsEntry("filename", "listed.csv").containsEntry("row_count", 2L)
                .containsEntry("mime_type", "text/csv").containsEntry("path",
                        "jobs/job/executions/exec-1/files/listed.csv");
        assertThat(file.get("size")).isEqualTo((long) "a\r\n1\r\n2\r\n".length());
        assertThat((List<Object>) call.execution().data().get("files")).contains(file);
        assertThat(store.store().get((String) file.get("path"))).asString().isEqualTo("a\r\n1\r\n2\r\n");
    }
}
