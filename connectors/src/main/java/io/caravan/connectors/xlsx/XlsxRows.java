package io.caravan.connectors.xlsx;

import com.github.pjfanning.xlsx.SharedStringsImplementationType;
import com.github.pjfanning.xlsx.StreamingReader;
import io.caravan.connectors.rows.RowFormat;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import io.caravan.job.step.StepException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.poi.UnsupportedFileFormatException;
import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Date1904Support;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.util.CellReference;

/**
 * Rows of one sheet of an xlsx workbook, read one at a time: for {@code xlsx.read}, and for any
 * step given the rows of a workbook too large to be handed on as a list.
 *
 * <p>The workbook is copied to a local temp file (a zip is read from its end, so it cannot be
 * read as it arrives), checked by {@link XlsxGuard}, and read through excel-streaming-reader:
 * StAX over the sheet's XML with a window of 100 rows, so memory does not grow with the sheet.
 * A shared strings table larger than {@link #SHARED_STRINGS_IN_MEMORY} is kept in a temp file
 * too. A row is an object from column name to value ({@link XlsxCells}); a row without any
 * value is skipped; a value right of the named columns is an error.
 */
public final class XlsxRows implements RowFormat {

    /** The largest shared strings table (uncompressed bytes) held in memory; a larger one goes to a temp file. */
    static final long SHARED_STRINGS_IN_MEMORY = 32L * 1024 * 1024;

    private static final int ROW_WINDOW = 100;
    private static final Pattern BOMB_ENTRY = Pattern.compile("Entry: (.*)$");

    @Override
    public String name() {
        return "xlsx";
    }

    @Override
    public RowSource open(InputStream in, Map<String, Object> options) throws Exception {
        return open(in, XlsxOptions.of(options), SHARED_STRINGS_IN_MEMORY);
    }

    /**
     * Rows of the sheet {@code options} choose; the source closes {@code in}, the workbook, and
     * deletes the local copy.
     *
     * @throws StepException (type {@code xlsx}) when the workbook is refused or cannot be read,
     *     the sheet does not exist, or its header row names a column twice
     */
    static Source open(InputStream in, XlsxOptions options, long sharedStringsInMemory)
            throws StepException, IOException {
        Path local = null;
        Workbook workbook = null;
        boolean opened = false;
        try {
            try (in) {
                local = Files.createTempFile("caravan-xlsx-", ".xlsx");
                try (OutputStream out = Files.newOutputStream(local)) {
                    in.transferTo(out);
                }
            }
            XlsxGuard.Inspection inspection = XlsxGuard.check(local);
            boolean onDisk = inspection.sharedStringsBytes() > sharedStringsInMemory;
            workbook = workbook(local, onDisk);
            // excel-streaming-reader decodes _xHHHH_ in strings of its in-memory table only
            boolean decode = onDisk || !inspection.sharedStrings();
            Source source = new Source(workbook, local, sheet(workbook, options.sheet()), options, decode);
            opened = true;
            return source;
        } catch (XlsxGuard.Refused e) {
            throw new StepException("xlsx", e.getMessage(), false);
        } catch (RuntimeException e) {
            throw new StepException("xlsx", failure(e), false, e);
        } finally {
            if (!opened) {
                closeQuietly(workbook, local);
            }
        }
    }

    /** A local workbook opened for streaming, not checked: only what rows need is read (no comments, links, shapes). */
    static Workbook workbook(Path local, boolean sharedStringsOnDisk) {
        return StreamingReader.builder().rowCacheSize(ROW_WINDOW)
                .setSharedStringsImplementationType(sharedStringsOnDisk
                        ? SharedStringsImplementationType.TEMP_FILE_BACKED
                        : SharedStringsImplementationType.POI_READ_ONLY)
                .setReadComments(false).setReadHyperlinks(false).setReadShapes(false)
                .setReadCoreProperties(false).setReadSharedFormulas(false)
                .open(local.toFile());
    }

    private static void close(Workbook workbook, Path local) throws IOException {
        try {
            if (workbook != null) {
                workbook.close();
            }
        } finally {
            if (local != null) {
                Files.deleteIfExists(local);
            }
        }
    }

    private static void closeQuietly(Workbook workbook, Path local) {
        try {
            close(workbook, local);
        } catch (IOException | RuntimeException e) {
            // the failure being thrown is the one to report
        }
    }

    /** The sheet chosen: the first by default, else by name (exactly, then ignoring case) or 1-based position. */
    static Sheet sheet(Workbook workbook, Object choice) throws StepException {
        int count = workbook.getNumberOfSheets();
        if (count == 0) {
            throw new StepException("xlsx", "the workbook has no sheet", false);
        }
        if (choice == null) {
            return workbook.getSheetAt(0);
        }
        String name = String.valueOf(choice);
        List<String> names = IntStream.range(0, count).mapToObj(workbook::getSheetName).toList();
        int index = choice instanceof Number ? -1 : names.indexOf(name);
        for (int i = 0; index < 0 && i < count && !(choice instanceof Number); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                index = i;
            }
        }
        if (index < 0 && name.matches("[0-9]{1,9}")) {
            int position = Integer.parseInt(name);
            index = position >= 1 && position <= count ? position - 1 : -1;
        }
        if (index < 0) {
            throw new StepException("xlsx", "the workbook has no sheet " + (choice instanceof Number ? choice
                    : "'" + name + "'") + "; its " + count + " sheet" + (count == 1 ? " is " : "s are ")
                    + names.stream().limit(20).map(n -> "'" + n + "'").collect(Collectors.joining(", "))
                    + (count > 20 ? ", …" : ""), false);
        }
        return workbook.getSheetAt(index);
    }

    /** The words for what the reader threw: a zip bomb, a DTD, not a workbook, or its own message. */
    static String failure(Throwable error) {
        String deepest = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            String lower = message.toLowerCase(Locale.ROOT);
            if (message.contains("Zip bomb detected")) { // POI's count of the bytes it really inflated
                Matcher entry = BOMB_ENTRY.matcher(message);
                String part = entry.find() ? "part " + entry.group(1).trim() : "a part";
                return message.contains("max. ratio")
                        ? String.format(Locale.ROOT, "%s expands more than %.0f times its compressed size (its"
                                + " declared sizes hid it): refused as a zip bomb", part,
                                1 / ZipSecureFile.getMinInflateRatio())
                        : part + " expands past " + ZipSecureFile.getMaxEntrySize()
                                + " bytes (its declared sizes hid it): refused as a zip bomb";
            }
            if (lower.contains("doctype") || lower.contains("dtd") || lower.contains("entity")) {
                return "refused: an XML part of the workbook declares a DTD or refers to an entity (XXE): " + message;
            }
            if (t instanceof UnsupportedFileFormatException || t instanceof InvalidFormatException) {
                return "it is not an xlsx workbook: " + message;
            }
            if (!message.isEmpty()) {
                deepest = message;
            }
        }
        return "it cannot be read as an xlsx workbook: " + (deepest == null ? error.getClass().getSimpleName() : deepest);
    }

    /** The rows of one sheet; closing it closes the workbook and deletes the local copy. */
    static final class Source implements RowSource {
        private final Workbook workbook;
        private final Path local;
        private final String sheet;
        private final Iterator<Row> rows;
        private final XlsxCells cells;
        private final List<String> columns;
        private Map<String, Object> next;

        Source(Workbook workbook, Path local, Sheet sheet, XlsxOptions options, boolean decodeText)
                throws StepException {
            this.workbook = workbook;
            this.local = local;
            this.sheet = sheet.getSheetName();
            this.rows = sheet.rowIterator();
            this.cells = new XlsxCells(decodeText, workbook instanceof Date1904Support d && d.isDate1904());
            List<String> names = options.columns();
            if (options.header()) {
                Row header = firstWithValues(); // passed over when names are given: they rename its columns
                if (names == null && header != null) {
                    names = header(header);
                }
            }
            this.columns = names == null ? null : List.copyOf(names);
        }

        /** The sheet's name. */
        String sheet() {
            return sheet;
        }

        /** The columns' names when known before the rows (a header, or names given), else null. */
        List<String> columns() {
            return columns;
        }

        private Row firstWithValues() throws StepException {
            try {
                while (rows.hasNext()) {
                    Row row = rows.next();
                    for (Cell cell : row) {
                        if (cells.value(cell) != null) {
                            return row;
                        }
                    }
                }
                return null;
            } catch (RuntimeException e) {
                throw new StepException("xlsx", failure(e), false, e);
            }
        }

        /** A header row's names: a blank cell is named column1, column2, … by its position; no name twice. */
        private List<String> header(Row row) throws StepException {
            Map<Integer, String> texts = new HashMap<>();
            int width = 0;
            for (Cell cell : row) {
                Object value = cells.value(cell);
                if (value != null && !String.valueOf(value).isEmpty()) {
                    texts.put(cell.getColumnIndex(), String.valueOf(value));
                    width = Math.max(width, cell.getColumnIndex() + 1);
                }
            }
            if (width > XlsxChecks.MAX_COLUMNS) {
                throw new StepException("xlsx", "the header row has " + width + " columns, more than a sheet holds",
                        false);
            }
            List<String> names = new ArrayList<>(width);
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < width; i++) {
                String name = texts.getOrDefault(i, "column" + (i + 1));
                Integer earlier = seen.put(name, i);
                if (earlier != null) {
                    throw new StepException("xlsx", "the header row (row " + (row.getRowNum() + 1) + ") names '"
                            + name + "' twice: columns " + letter(earlier) + " and " + letter(i), false);
                }
                names.add(name);
            }
            return names;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public Map<String, Object> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Map<String, Object> row = next;
            next = null;
            return row;
        }

        private Map<String, Object> advance() {
            try {
                while (rows.hasNext()) {
                    Map<String, Object> row = row(rows.next());
                    if (row != null) {
                        return row;
                    }
                }
                return null;
            } catch (Rows.BadRow e) {
                throw e;
            } catch (RuntimeException e) {
                throw new Rows.BadRow(failure(e));
            }
        }

        /** A row as names to values; null when it holds no value. */
        private Map<String, Object> row(Row row) {
            Object[] values = new Object[columns == null ? 8 : columns.size()];
            int width = 0;
            for (Cell cell : row) {
                Object value = cells.value(cell);
                if (value == null) {
                    continue;
                }
                int index = cell.getColumnIndex();
                if (columns != null && index >= columns.size()) {
                    throw new Rows.BadRow("row " + (row.getRowNum() + 1) + " has a value in column " + letter(index)
                            + ", right of the " + columns.size() + " named columns " + columns);
                }
                if (index >= values.length) {
                    values = Arrays.copyOf(values, Math.max(index + 1, values.length * 2));
                }
                values[index] = value;
                width = Math.max(width, index + 1);
            }
            if (width == 0) {
                return null;
            }
            int size = columns == null ? width : columns.size();
            Map<String, Object> map = new LinkedHashMap<>(size * 2);
            for (int i = 0; i < size; i++) {
                map.put(columns == null ? "column" + (i + 1) : columns.get(i), values[i]);
            }
            return map;
        }

        @Override
        public void close() {
            try {
                XlsxRows.close(workbook, local);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String letter(int column) {
        return CellReference.convertNumToColString(column);
    }
}
