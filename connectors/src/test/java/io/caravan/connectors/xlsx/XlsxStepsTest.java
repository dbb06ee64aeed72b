package io.caravan.connectors.xlsx;

import static io.caravan.connectors.xlsx.HandmadeWorkbooks.handmade;
import static io.caravan.connectors.xlsx.HandmadeWorkbooks.inline;
import static io.caravan.connectors.xlsx.HandmadeWorkbooks.sheetOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import io.caravan.connectors.rows.RowsOut;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.CreationHelper;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * xlsx.read and xlsx.write against a real S3 server: round trips that keep values and types over
 * generated rows, sheets and headers, workbooks as Excel writes them, many rows as a reference,
 * and files and settings that are refused (not a workbook, bad names); the attacks (XXE, zip
 * bombs) are {@link XlsxAttacksTest}.
 */
class XlsxStepsTest {

    @TempDir
    static Path dir;
    private static TestStore store;

    private final XlsxReadStep read = new XlsxReadStep();
    private final XlsxWriteStep write = new XlsxWriteStep();
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
    private Map<String, Object> write(String file, Object rows, String sheet, List<String> columns, Boolean header)
            throws Exception {
        return (Map<String, Object>) write.run(new XlsxWriteConfig(file, rows, sheet, columns, header), call);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(Object file, Object sheet, Boolean header, List<String> columns) throws Exception {
        return (Map<String, Object>) read.run(new XlsxReadConfig(file, sheet, header, columns), call);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Map<String, Object> output) {
        return (List<Map<String, Object>>) output.get("rows");
    }

    private void put(String name, byte[] content) throws Exception {
        ExecutionFiles.of(call).write(name, "file", out -> {
            out.write(content);
            return null;
        });
    }

    // ---- round trips ----

    private static final String[] TEXT_PIECES = {"a", "Z", "7", " ", "  ", "é", "ß", "€", "日本", "😀", "👩‍💻", "ע",
        "ب", "e\u0301", "\t", "\n", "\r\n", "\u00A0", "<", ">", "&", "\"", "'", "=SUM(A1)", "+1", "-2", "@x", "_x0041_",
        "_x005F_", "_x00", "\u0001", "\u001F", "\u007F", "\uFFFE", "\uFFFF", "00123", "1e5", "TRUE", "null", "2026-02-30"};

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int pieces = 1 + random.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            text.append(TEXT_PIECES[random.nextInt(TEXT_PIECES.length)]);
        }
        return text.toString();
    }

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS",
            Locale.ROOT);

    private static LocalDate date(Random random) {
        return LocalDate.of(1900, 3, 1).plusDays(random.nextInt(150 * 366));
    }

    private static LocalDateTime dateTime(Random random) {
        LocalDateTime t = date(random).atStartOfDay().plusSeconds(random.nextInt(86_400));
        return random.nextBoolean() ? t : t.plusNanos((1 + random.nextInt(999)) * 1_000_000L);
    }

    private static String iso(LocalDateTime t) {
        return (t.getNano() == 0 ? SECONDS : MILLIS).format(t);
    }

    /** A value of one of the types a row holds, and what reading it back must give. */
    private record Value(Object written, Object back) {
    }

    private static Value value(Random random, int kind) {
        switch (kind) {
            case 0: {
                String t = text(random);
                return new Value(t, t);
            }
            case 1: {
                long v = (random.nextLong() % 1_000_000_000_000_000L);
                return new Value(v, v);
            }
            case 2: {
                BigDecimal d = BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, random.nextInt(7));
                BigDecimal s = d.stripTrailingZeros();
                return new Value(d, s.scale() <= 0 ? (Object) s.longValueExact() : (Object) d.doubleValue());
            }
            case 3: {
                double v = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(30) - 10);
                boolean whole = v == Math.rint(v) && Math.abs(v) <= 9_007_199_254_740_992d; // 2^53: exact as a long
                return new Value(v, whole ? (Object) (long) v : (Object) v);
            }
            case 4: {
                boolean b = random.nextBoolean();
                return new Value(b, b);
            }
            case 5: {
                String d = date(random).toString();
                return new Value(d, d);
            }
            case 6: {
                String t = iso(dateTime(random));
                return new Value(t, t);
            }
            case 7: {
                LocalDate d = date(random);
                return new Value(d, d.toString());
            }
            case 8: {
                LocalDateTime t = dateTime(random);
                return new Value(t, iso(t));
            }
            case 9: {
                int v = random.nextInt();
                return new Value(v, (long) v);
            }
            default:
                return new Value(null, null);
        }
    }

    /**
     * Property: for any rows of text (Unicode, control characters, escape-like and formula-like
     * text), whole numbers, decimals, doubles, booleans and dates (ISO text or java.time), in
     * columns of one type or mixed, with gaps, xlsx.write then xlsx.read gives every value back
     * with its type.
     */
    @Test
    void writeThenReadKeepsValuesAndTypesOverGeneratedRows() throws Exception {
        for (int trial = 0; trial < 40; trial++) {
            long seed = 1000L + trial;
            Random random = new Random(seed);
            int width = 1 + random.nextInt(8);
            List<String> columns = new ArrayList<>(List.of("id"));
            int[] kinds = new int[width];
            for (int c = 0; c < width; c++) {
                columns.add(c % 3 == 0 ? "naïve 名前 " + c : "col" + c);
                kinds[c] = random.nextInt(12); // 10 and 11: a mixed column
            }
            List<Map<String, Object>> written = new ArrayList<>();
            List<Map<String, Object>> expected = new ArrayList<>();
            int count = 1 + random.nextInt(60);
            for (int r = 0; r < count; r++) {
                Map<String, Object> row = new LinkedHashMap<>();
                Map<String, Object> back = new LinkedHashMap<>();
                row.put("id", (long) r);
                back.put("id", (long) r);
                for (int c = 0; c < width; c++) {
                    int kind = kinds[c] >= 10 ? random.nextInt(11) : random.nextInt(10) == 0 ? 10 : kinds[c];
                    Value v = value(random, kind);
                    row.put(columns.get(c + 1), v.written());
                    back.put(columns.get(c + 1), v.back());
                }
                written.add(row);
                expected.add(back);
            }

            Map<String, Object> out = write("round-" + trial + ".xlsx", written, "Data " + trial, null, null);
            Map<String, Object> in = read(out.get("file"), null, true, null);

            assertThat(out.get("rowCount")).as("seed %d", seed).isEqualTo((long) count);
            assertThat(in.get("rowCount")).as("seed %d", seed).isEqualTo((long) count);
            assertThat(in.get("sheet")).isEqualTo("Data " + trial);
            assertThat(in.get("columns")).as("seed %d", seed).isEqualTo(columns);
            List<Map<String, Object>> back = rows(in);
            for (int r = 0; r < count; r++) {
                assertThat(back.get(r)).as("seed %d, row %d, written %s", seed, r, written.get(r))
                        .isEqualTo(expected.get(r));
                for (String column : columns) {
                    Object value = back.get(r).get(column);
                    Object wanted = expected.get(r).get(column);
                    assertThat(value == null ? null : value.getClass()).as("seed %d, row %d, %s", seed, r, column)
                            .isEqualTo(wanted == null ? null : wanted.getClass());
                }
            }
        }
    }

    @Test
    void valuesASpreadsheetCannotHoldExactlyAreWrittenAsTextAndDatesAreDateCells() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("big", 1_234_567_890_123_456_789L);
        row.put("precise", new BigDecimal("0.12345678901234567890"));
        row.put("old", "1899-12-31");
        row.put("zulu", "2026-11-21T06:30:00Z");
        row.put("offset", "2026-11-21T08:30:00+02:00");
        row.put("micros", "2026-11-21T06:30:00.123456");
        row.put("json", Map.of("a", List.of(1, 2)));
        row.put("nan", Double.NaN);
        row.put("formula", "=1+2");
        Map<String, Object> back = rows(read(write("exact.xlsx", List.of(row), null, null, null).get("file"), null,
                true, null)).get(0);

        assertThat(back).containsEntry("big", "1234567890123456789")
                .containsEntry("precise", "0.12345678901234567890").containsEntry("old", "1899-12-31")
                .containsEntry("zulu", "2026-11-21T06:30:00").containsEntry("offset", "2026-11-21T06:30:00")
                .containsEntry("micros", "2026-11-21T06:30:00.123").containsEntry("json", "{\"a\":[1,2]}")
                .containsEntry("nan", "NaN").containsEntry("formula", "=1+2");

        try (Workbook workbook = new XSSFWorkbook(new ByteArrayInputStream(store.store().get(
                ExecutionFiles.of(call).path("exact.xlsx"))))) {
            Row cells = workbook.getSheet("Sheet1").getRow(1);
            assertThat(cells.getCell(2).getCellType()).as("a date before 1900").hasToString("STRING");
            assertThat(cells.getCell(3).getCellType()).hasToString("NUMERIC");
            assertThat(cells.getCell(3).getCellStyle().getDataFormatString()).isEqualTo("yyyy-mm-dd hh:mm:ss");
            assertThat(cells.getCell(8).getCellType()).as("text, never a formula").hasToString("STRING");
            assertThat(workbook.getSheet("Sheet1").getRow(0).getCell(0).getCellStyle().getFontIndex())
                    .as("a bold header").isNotZero();
        }
    }

    @Test
    void headerlessSheetsAndSheetChoice() throws Exception {
        put("book.xlsx", excelWorkbook());

        Map<String, Object> first = read("book.xlsx", null, false, null);
        assertThat(first.get("sheet")).isEqualTo("Summary");
        assertThat(rows(first)).containsExactly(Map.of("column1", "total", "column2", 3L));

        List<Map<String, Object>> data = List.of(row("id", 1L, "name", "Ann", "seen", "2026-11-21"),
                row("id", 2L, "name", null, "seen", "2026-11-21T06:30:00"));
        assertThat(rows(read("book.xlsx", "Data", true, null))).isEqualTo(data);
        assertThat(rows(read("book.xlsx", 2, true, null))).isEqualTo(data);
        assertThat(rows(read("book.xlsx", "2", true, null))).isEqualTo(data);
        assertThat(rows(read("book.xlsx", "DATA", true, null))).as("names ignore case, as in Excel").isEqualTo(data);
        assertThat(rows(read("book.xlsx", "Data", true, List.of("n", "who", "when"))).get(0))
                .isEqualTo(row("n", 1L, "who", "Ann", "when", "2026-11-21"));
        assertThat(rows(read("book.xlsx", "Data", false, List.of("a", "b", "c"))).get(0))
                .isEqualTo(row("a", "id", "b", "name", "c", "seen"));

        Map<String, Object> notes = read("book.xlsx", 3, false, null);
        assertThat(rows(notes)).as("rows without values are skipped; gaps are null").containsExactly(
                row("column1", "first"), row("column1", null, "column2", null, "column3", "third"));

        assertThatThrownBy(() -> read("book.xlsx", "Nope", true, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("has no sheet 'Nope'; its 4 sheets are 'Summary', 'Data', 'Notes', 'Typed'");
        assertThatThrownBy(() -> read("book.xlsx", 5, true, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("has no sheet 5;");
    }

    @Test
    void readsWhatExcelWritesSharedStringsFormulasErrorsAndDateFormats() throws Exception {
        put("excel.xlsx", excelWorkbook());
        List<Map<String, Object>> typed = rows(read("excel.xlsx", "Typed", true, null));

        assertThat(typed.get(0)).containsEntry("formula", 3L).containsEntry("text formula", "ab")
                .containsEntry("error", "#DIV/0!").containsEntry("builtin date", "2026-01-31")
                .containsEntry("time", "06:30:15").containsEntry("date time", "2026-01-31T06:30:00")
                .containsEntry("decimal", 2.5).containsEntry("flag", true).containsEntry("escaped", "_x0041_");

        try (XlsxRows.Source onDisk = XlsxRows.open(new ByteArrayInputStream(excelWorkbook()),
                XlsxOptions.of("Typed", true, null), 0)) {
            assertThat(onDisk.next()).as("a shared strings table kept in a temp file reads the same")
                    .isEqualTo(typed.get(0));
        }
    }

    @Test
    void manyRowsAreHandedOnAsAReferenceAndStreamedByTheNextStep() throws Exception {
        int count = Rows.INLINE * 3 + 7;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(row("n", (long) i, "square", (long) i * i, "even", i % 2 == 0, "day",
                    LocalDate.of(2026, 1, 1).plusDays(i).toString()));
        }
        Map<String, Object> output = read(write("big.xlsx", rows, "Numbers", null, null).get("file"), null, true,
                null);

        assertThat(output.get("rowCount")).isEqualTo((long) count);
        assertThat(Rows.isReference(output.get("rows"))).as("a reference, not %d rows in the context", count).isTrue();
        assertThat(((Map<?, ?>) output.get("rows")).get("format")).isEqualTo("xlsx");
        Map<String, Object> copy = write("copy.xlsx", output.get("rows"), null, null, null);
        assertThat(copy.get("rowCount")).isEqualTo((long) count);
        try (RowSource back = Rows.open(read(copy.get("file"), null, true, null).get("rows"), "rows",
                ExecutionFiles.of(call))) {
            int n = 0;
            while (back.hasNext()) {
                assertThat(back.next()).isEqualTo(rows.get(n));
                n++;
            }
            assertThat(n).isEqualTo(count);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aWrittenWorkbookIsListedInTheContextWithItsRowCount() throws Exception {
        Map<String, Object> written = write("listed.xlsx", List.of(row("a", 1L), row("a", 2L)), "Users", null, null);
        Map<String, Object> file = (Map<String, Object>) written.get("file");

        assertThat(file).containsEntry("filename", "listed.xlsx").containsEntry("row_count", 2L)
                .containsEntry("mime_type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .containsEntry("path", "jobs/job/executions/exec-1/files/listed.xlsx");
        assertThat((List<Object>) call.execution().data().get("files")).contains(file);

        Map<String, Object> empty = write("empty.xlsx", List.of(), null, List.of("a", "b"), null);
        Map<String, Object> back = read(empty.get("file"), null, true, null);
        assertThat(back.get("rowCount")).isEqualTo(0L);
        assertThat(back.get("columns")).as("no rows: the header alone").isEqualTo(List.of("a", "b"));
        assertThat(rows(read(write("bare.xlsx", List.of(row("a", 1L)), null, null, false).get("file"), null, false,
                null))).isEqualTo(List.of(row("column1", 1L)));
    }

    // ---- refused (the attacks are in XlsxAttacksTest) ----

    @Test
    void missingFilesBadFilesAndBadSettingsFailWithTheReason() throws Exception {
        put("plain.xlsx", handmade(Map.of()));
        put("text.xlsx", "id,name\n1,Ann\n".getBytes(StandardCharsets.UTF_8));
        byte[] ole2 = new byte[512];
        System.arraycopy(new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A,
            (byte) 0xE1}, 0, ole2, 0, 8);
        put("old.xls", ole2);
        put("twice.xlsx", handmade(Map.of("xl/worksheets/sheet1.xml", sheetOf(
                "<row r=\"1\">" + inline("A1", "name") + inline("B1", "name") + "</row>"))));
        put("wide.xlsx", handmade(Map.of("xl/worksheets/sheet1.xml", sheetOf(
                "<row r=\"1\">" + inline("A1", "name") + "</row><row r=\"2\">" + inline("A2", "Ann")
                + inline("D2", "stray") + "</row>"))));

        assertThatThrownBy(() -> read("missing.xlsx", null, true, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("missing.xlsx does not exist");
        assertThatThrownBy(() -> read("text.xlsx", null, true, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("text.xlsx: it is not an xlsx workbook");
        assertThatThrownBy(() -> read("old.xls", null, true, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("an .xls file of Excel 97-2003");
        assertThatThrownBy(() -> read("twice.xlsx", null, true, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("names 'name' twice: columns A and B");
        assertThatThrownBy(() -> read("wide.xlsx", null, true, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("row 2 has a value in column D, right of the 1 named columns [name]");
        assertThatThrownBy(() -> read("jobs/other/executions/x/files/a.xlsx", null, true, null))
                .isInstanceOf(StepException.class).hasMessageContaining("is not a file of this execution");
        assertThatThrownBy(() -> read("plain.xlsx", 0, true, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("counted from 1, not 0");
        assertThatThrownBy(() -> write("../escape.xlsx", List.of(row("a", 1)), null, null, null))
                .isInstanceOf(StepException.class).hasMessageContaining("is a path");
        assertThatThrownBy(() -> write("x.xlsx", List.of(row("a", 1)), "a/b", null, null))
                .isInstanceOf(StepException.class).hasMessageContaining("sheet name 'a/b' holds '/'");
        assertThatThrownBy(() -> write("x.xlsx", List.of(row("a", 1)), "a name longer than thirty-one chars",
                null, null)).isInstanceOf(StepException.class).hasMessageContaining("1 to 31 characters");
        assertThatThrownBy(() -> write("x.xlsx", List.of(row("a", 1), "text"), null, null, null))
                .isInstanceOf(StepException.class).hasMessageContaining("rows[1] is not an object");
        assertThatThrownBy(() -> write("x.xlsx", List.of(row("a", "x".repeat(40_000))), null, null, null))
                .isInstanceOf(StepException.class).hasMessageContaining("rows[0].a: text of 40000 characters");
        assertThatThrownBy(() -> write("x.xlsx", List.of(row("a", 1)), null, List.of("a", "a"), null))
                .isInstanceOf(StepException.class).hasMessageContaining("column 'a' is named twice");

        Problems problems = new Problems();
        write.check(new XlsxWriteConfig("x.xlsx", List.of(), "bad*", null, null), problems);
        read.check(new XlsxReadConfig("x.xlsx", -1, null, null), problems);
        read.check(new XlsxReadConfig("x.xlsx", "{{ params.sheet }}", null, null), problems);
        assertThat(problems.list()).extracting(p -> p.path() + " " + p.message()).containsExactly(
                "$.sheet sheet name 'bad*' holds '*', which Excel does not allow in a sheet name",
                "$.sheet sheet is a name or a position counted from 1, not -1");
    }

    // ---- a measurement ----

    /**
     * Rows per second of xlsx.write, and the peak heap, for {@code -Dcaravan.xlsx.rows=N} rows
     * streamed from a reference (as a large step output hands them on); then xlsx.read of them.
     */
    @Test
    @EnabledIfSystemProperty(named = "caravan.xlsx.rows", matches = "[0-9]+")
    void measureWrite() throws Exception {
        int count = Integer.getInteger("caravan.xlsx.rows");
        ExecutionFiles files = ExecutionFiles.of(call);
        Object reference;
        try (RowsOut out = new RowsOut(files, "measure.jsonl")) {
            for (int i = 0; i < count; i++) {
                out.add(row("id", (long) i, "name", "user " + i + " Ünïcode", "amount", i * 1.25, "active",
                        i % 3 == 0, "created", LocalDate.of(2026, 1, 1).plusDays(i % 3000).toString()));
            }
            reference = out.value();
        }
        long start = System.nanoTime();
        try (RowSource rows = Rows.open(reference, "rows", files)) {
            while (rows.hasNext()) {
                rows.next();
            }
        }
        double source = (System.nanoTime() - start) / 1e9;
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        start = System.nanoTime();
        Map<String, Object> written = write("measure.xlsx", reference, "Data", null, null);
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.interrupt();
        sampler.join();
        long size = (Long) ((Map<?, ?>) written.get("file")).get("size");
        System.out.printf(Locale.ROOT, "XLSX write: %d rows in %.2f s = %.0f rows/s%n", count, seconds,
                count / seconds);
        System.out.printf(Locale.ROOT, "XLSX write: peak heap used %d MiB (sampled; max heap %d MiB), file %.1f MiB;"
                + " reading the rows alone (JSON lines from S3) took %.2f s%n", peak.get() >> 20,
                Runtime.getRuntime().maxMemory() >> 20, size / 1048576.0, source);

        start = System.nanoTime();
        Map<String, Object> back = read(written.get("file"), null, true, null);
        seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "XLSX read: %d rows in %.2f s = %.0f rows/s%n", count, seconds,
                count / seconds);
        assertThat(back.get("rowCount")).isEqualTo((long) count);
    }

    // ---- workbooks made here ----

    private static Map<String, Object> row(Object... pairs) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            row.put((String) pairs[i], pairs[i + 1]);
        }
        return row;
    }

    /** A workbook as Excel would save it (shared strings, styles): Summary, Data, Notes and Typed. */
    private static byte[] excelWorkbook() throws Exception {
        try (XSSFWorkbook workbook = new XSSFWorkbook()) {
            CreationHelper help = workbook.getCreationHelper();
            Sheet summary = workbook.createSheet("Summary");
            Row total = summary.createRow(0);
            total.createCell(0).setCellValue("total");
            total.createCell(1).setCellValue(3);

            CellStyle day = workbook.createCellStyle();
            day.setDataFormat(help.createDataFormat().getFormat("dd.mm.yyyy"));
            CellStyle stamp = workbook.createCellStyle();
            stamp.setDataFormat(help.createDataFormat().getFormat("d/m/yy h:mm"));
            Sheet data = workbook.createSheet("Data");
            String[] names = {"id", "name", "seen"};
            Row head = data.createRow(0);
            for (int i = 0; i < names.length; i++) {
                head.createCell(i).setCellValue(names[i]);
            }
            Row ann = data.createRow(1);
            ann.createCell(0).setCellValue(1);
            ann.createCell(1).setCellValue("Ann");
            ann.createCell(2).setCellValue(LocalDate.of(2026, 11, 21));
            ann.getCell(2).setCellStyle(day);
            Row blank = data.createRow(2);
            blank.createCell(0).setCellValue(2);
            blank.createCell(1).setBlank();
            blank.createCell(2).setCellValue(LocalDateTime.of(2026, 11, 21, 6, 30));
            blank.getCell(2).setCellStyle(stamp);

            Sheet notes = workbook.createSheet("Notes");
            notes.createRow(0).createCell(0).setCellValue("first");
            notes.createRow(1).createCell(1).setBlank(); // a row without a value
            notes.createRow(3).createCell(2).setCellValue("third");

            Sheet typed = workbook.createSheet("Typed");
            String[] columns = {"formula", "text formula", "error", "builtin date", "time", "date time", "decimal",
                "flag", "escaped"};
            Row header = typed.createRow(0);
            for (int i = 0; i < columns.length; i++) {
                header.createCell(i).setCellValue(columns[i]);
            }
            Row values = typed.createRow(1);
            values.createCell(0).setCellFormula("1+2");
            values.createCell(1).setCellFormula("\"a\"&\"b\"");
            values.createCell(2).setCellErrorValue(FormulaError.DIV0.getCode());
            CellStyle builtin = workbook.createCellStyle();
            builtin.setDataFormat((short) 14); // m/d/yy, as Excel's own short date
            values.createCell(3).setCellValue(LocalDate.of(2026, 1, 31));
            values.getCell(3).setCellStyle(builtin);
            CellStyle time = workbook.createCellStyle();
            time.setDataFormat(help.createDataFormat().getFormat("h:mm:ss AM/PM"));
            values.createCell(4).setCellValue((6 * 3600 + 30 * 60 + 15) / 86_400d);
            values.getCell(4).setCellStyle(time);
            values.createCell(5).setCellValue(LocalDateTime.of(2026, 1, 31, 6, 30));
            values.getCell(5).setCellStyle(stamp);
            values.createCell(6).setCellValue(2.5);
            values.createCell(7).setCellValue(true);
            values.createCell(8).setCellValue(XlsxText.encode("_x0041_"));
            workbook.getCreationHelper().createFormulaEvaluator().evaluateAll();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            workbook.write(out);
            return out.toByteArray();
        }
    }

}
