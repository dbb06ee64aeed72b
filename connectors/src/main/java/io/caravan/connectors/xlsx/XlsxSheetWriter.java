package io.caravan.connectors.xlsx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.step.StepException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.xssf.streaming.SXSSFRow;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * Writes rows into one sheet of an SXSSF workbook, each value as the cell of its type: a number
 * as a number, a boolean as a boolean, a date as a date shown {@code yyyy-mm-dd} (with {@code
 * hh:mm:ss} when it has a time), anything else as text.
 *
 * <p>Dates are {@code java.time} values and ISO text: {@code 2026-11-21} and
 * {@code 2026-11-21T06:30[:00[.123]]}, with an offset or {@code Z} moved to UTC (Excel's dates
 * have no zone), to the millisecond (finer digits are dropped: a double of days holds no more).
 * Other text stays text, even when it looks like a number. A date before 1900, which Excel
 * cannot show, and an integer of more than 15 digits or a decimal of more than 15 significant
 * digits, which a spreadsheet cannot hold exactly, are written as text so that no digit is lost.
 * Objects and lists are written as JSON text.
 *
 * <p>Text is always a text cell, never a formula, so formula-like text ({@code =HYPERLINK(…)})
 * cannot run when the workbook is opened: unlike CSV, nothing needs escaping.
 */
final class XlsxSheetWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final Pattern DATE_TIME = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?");
    /** Whole numbers up to 15 digits are exact in a double and shown exactly by Excel. */
    private static final long EXACT = 999_999_999_999_999L;

    private final SXSSFWorkbook workbook;
    private final SXSSFSheet sheet;
    private CellStyle date;
    private CellStyle dateTime;
    private CellStyle dateTimeMillis;
    private CellStyle time;
    private int next;

    XlsxSheetWriter(SXSSFWorkbook workbook, String sheet) {
        this.workbook = workbook;
        this.sheet = workbook.createSheet(sheet);
    }

    /** A header row: the names in bold. */
    void header(List<String> columns) throws StepException {
        SXSSFRow row = newRow();
        CellStyle bold = workbook.createCellStyle();
        Font font = workbook.createFont();
        font.setBold(true);
        bold.setFont(font);
        for (int i = 0; i < columns.size(); i++) {
            Cell cell = row.createCell(i);
            text(cell, columns.get(i), "columns[" + i + "]");
            cell.setCellStyle(bold);
        }
    }

    /** One row; {@code index} places it among the rows for errors. */
    void row(Map<String, Object> values, List<String> columns, long index) throws StepException {
        SXSSFRow row = newRow();
        for (int i = 0; i < columns.size(); i++) {
            Object value = values.get(columns.get(i));
            if (value != null) {
                put(row.createCell(i), value, "rows[" + index + "]." + columns.get(i));
            }
        }
    }

    private SXSSFRow newRow() throws StepException {
        if (next >= XlsxChecks.MAX_ROWS) {
            throw new StepException("xlsx", "a sheet holds at most " + XlsxChecks.MAX_ROWS
                    + " rows, header included: write fewer rows, or CSV", false);
        }
        return sheet.createRow(next++);
    }

    private void put(Cell cell, Object value, String where) throws StepException {
        if (value instanceof Boolean b) {
            cell.setCellValue(b);
        } else if (value instanceof Number n) {
            number(cell, n, where);
        } else if (value instanceof String s) {
            if (!dateText(cell, s)) {
                text(cell, s, where);
            }
        } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                text(cell, JSON.writeValueAsString(value), where);
            } catch (JsonProcessingException e) {
                throw new StepException("xlsx", where + ": cannot be written as JSON: " + e.getOriginalMessage(), false);
            }
        } else if (!temporal(cell, value)) {
            text(cell, value.toString(), where);
        }
    }

    private void number(Cell cell, Number n, String where) throws StepException {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof AtomicLong || n instanceof AtomicInteger
                || n instanceof BigInteger big && big.bitLength() < 63) {
            long v = n.longValue();
            if (Math.abs(v) <= EXACT) {
                cell.setCellValue((double) v);
            } else {
                text(cell, String.valueOf(v), where);
            }
        } else if (n instanceof BigDecimal d) {
            BigDecimal plain = d.stripTrailingZeros();
            double v = plain.doubleValue();
            if (plain.precision() <= 15 && Double.isFinite(v) && (v != 0 || plain.signum() == 0)) {
                cell.setCellValue(v);
            } else {
                text(cell, d.toPlainString(), where);
            }
        } else if (n instanceof BigInteger big) {
            text(cell, big.toString(), where);
        } else {
            double v = n instanceof Float f ? Double.parseDouble(f.toString()) : n.doubleValue();
            if (Double.isFinite(v)) {
                cell.setCellValue(v);
            } else {
                text(cell, n.toString(), where);
            }
        }
    }

    /** ISO date or date-time text as a date cell; false when the text is none (or before 1900). */
    private boolean dateText(Cell cell, String s) {
        int length = s.length();
        if (length < 10 || length > 35 || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return false;
        }
        try {
            if (length == 10 && DATE.matcher(s).matches()) {
                return date(cell, LocalDate.parse(s));
            }
            if (DATE_TIME.matcher(s).matches()) {
                char last = s.charAt(length - 1);
                boolean zoned = last == 'Z' || s.length() > 16 && (s.charAt(length - 6) == '+'
                        || s.charAt(length - 6) == '-');
                LocalDateTime t = zoned ? OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC)
                        .toLocalDateTime() : LocalDateTime.parse(s);
                return dateTime(cell, t);
            }
        } catch (DateTimeParseException e) {
            return false; // 2026-02-30 and the like: text
        }
        return false;
    }

    /** A {@code java.time} value (or a {@code java.util.Date}) as a date cell; false when it is none. */
    private boolean temporal(Cell cell, Object value) {
        if (value instanceof java.sql.Date d) {
            return date(cell, d.toLocalDate());
        }
        if (value instanceof java.util.Date d) {
            value = d.toInstant();
        }
        if (value instanceof LocalDate d) {
            return date(cell, d);
        }
        if (value instanceof LocalDateTime t) {
            return dateTime(cell, t);
        }
        if (value instanceof OffsetDateTime t) {
            return dateTime(cell, t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        }
        if (value instanceof ZonedDateTime t) {
            return dateTime(cell, t.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime());
        }
        if (value instanceof Instant t) {
            return dateTime(cell, LocalDateTime.ofInstant(t, ZoneOffset.UTC));
        }
        if (value instanceof LocalTime t) {
            cell.setCellValue(t.truncatedTo(ChronoUnit.MILLIS).toNanoOfDay() / 86_400e9);
            cell.setCellStyle(time == null ? time = style("hh:mm:ss") : time);
            return true;
        }
        return false;
    }

    private boolean date(Cell cell, LocalDate d) {
        if (d.getYear() < 1900 || d.getYear() > 9999) {
            return false;
        }
        cell.setCellValue(d);
        cell.setCellStyle(date == null ? date = style("yyyy-mm-dd") : date);
        return true;
    }

    private boolean dateTime(Cell cell, LocalDateTime t) {
        if (t.getYear() < 1900 || t.getYear() > 9999) {
            return false;
        }
        LocalDateTime millis = t.truncatedTo(ChronoUnit.MILLIS);
        cell.setCellValue(millis);
        if (millis.getNano() == 0) {
            cell.setCellStyle(dateTime == null ? dateTime = style("yyyy-mm-dd hh:mm:ss") : dateTime);
        } else {
            cell.setCellStyle(dateTimeMillis == null ? dateTimeMillis = style("yyyy-mm-dd hh:mm:ss.000")
                    : dateTimeMillis);
        }
        return true;
    }

    private CellStyle style(String format) {
        CellStyle style = workbook.createCellStyle();
        style.setDataFormat(workbook.createDataFormat().getFormat(format));
        return style;
    }

    private static void text(Cell cell, String text, String where) throws StepException {
        String encoded = XlsxText.encode(text);
        if (encoded.length() > XlsxChecks.MAX_TEXT) {
            throw new StepException("xlsx", where + ": text of " + text.length() + " characters; a cell holds at most "
                    + XlsxChecks.MAX_TEXT, false);
        }
        cell.setCellValue(encoded);
    }
}
