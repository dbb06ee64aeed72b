package io.caravan.connectors.xlsx;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;

/**
 * A cell's value as a row holds it, its type kept: a number ({@code Long} when whole and exact
 * as a double, else {@code Double}), a boolean, text, or — for a number shown as a date — ISO
 * text: {@code 2026-11-21}, {@code 2026-11-21T06:30:00} (with {@code .SSS} when it has
 * milliseconds) when it has a time or is shown with one, {@code 06:30:00} for a time of day
 * alone. A formula gives its cached result; an error cell its code ({@code #DIV/0!}); a blank
 * cell null.
 */
final class XlsxCells {

    /** The largest whole number a double holds exactly (2^53). */
    private static final double EXACT = 9_007_199_254_740_992d;
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter TIME_MILLIS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);
    private static final Format NUMBER = new Format(false, false, false);

    /** What a cell style's number format shows: a date at all, and then its date, its time. */
    private record Format(boolean date, boolean showsDate, boolean showsTime) {
    }

    private final boolean decodeText;
    private final boolean date1904;
    /** By style index: a sheet has few styles and many cells, and reading a format is slow (XMLBeans, regexes). */
    private final Map<Integer, Format> formats = new HashMap<>();

    /**
     * Values of the cells of one workbook.
     *
     * @param decodeText whether text is decoded here: excel-streaming-reader decodes the
     *     {@code _xHHHH_} escapes of strings in its in-memory shared strings table, but neither
     *     those of inline strings nor of a table kept in a temp file. A workbook's strings are
     *     shared (as Excel writes them) or inline (as SXSSF does): its text is decoded here when
     *     it has no shared string, or when the table is on disk
     * @param date1904 whether the workbook counts days from 1904 (Excel for Mac of old)
     */
    XlsxCells(boolean decodeText, boolean date1904) {
        this.decodeText = decodeText;
        this.date1904 = date1904;
    }

    /** The value of a cell. */
    Object value(Cell cell) {
        CellType type = cell.getCellType();
        if (type == CellType.FORMULA) {
            type = cell.getCachedFormulaResultType();
        }
        switch (type) {
            case NUMERIC:
                double value = cell.getNumericCellValue();
                Format format = format(cell.getCellStyle());
                return format.date() && DateUtil.isValidExcelDate(value) ? date(value, format) : number(value);
            case STRING:
                String text = cell.getStringCellValue();
                return decodeText ? XlsxText.decode(text) : text;
            case BOOLEAN:
                return cell.getBooleanCellValue();
            case ERROR:
                String error = cell.getStringCellValue(); // excel-streaming-reader: "ERROR:  #DIV/0!"
                return error.startsWith("ERROR:") ? error.substring("ERROR:".length()).trim() : error;
            default:
                return null;
        }
    }

    static Object number(double value) {
        return value == Math.rint(value) && Math.abs(value) <= EXACT ? (Object) (long) value : (Object) value;
    }

    private Format format(CellStyle style) {
        if (style == null) {
            return NUMBER;
        }
        return formats.computeIfAbsent((int) style.getIndex(), i -> {
            String format = style.getDataFormatString();
            if (!DateUtil.isADateFormat(style.getDataFormat(), format)) {
                return NUMBER;
            }
            String shown = visible(format);
            return new Format(true, shown.indexOf('y') >= 0 || shown.indexOf('d') >= 0,
                    shown.indexOf('h') >= 0 || shown.indexOf('s') >= 0);
        });
    }

    private String date(double value, Format format) {
        LocalDateTime time = DateUtil.getLocalDateTime(value, date1904);
        if (!format.showsDate() && value >= 0 && value < 1) {
            return (time.getNano() == 0 ? TIME : TIME_MILLIS).format(time);
        }
        if (!format.showsTime() && time.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return time.toLocalDate().toString();
        }
        return (time.getNano() == 0 ? DATE_TIME : MILLIS).format(time);
    }

    /**
     * The letters of a number format that show a value, lower case: quoted text, escaped
     * characters and bracketed sections (colours, locales, conditions) left out, elapsed-time
     * sections ({@code [h]}, {@code [mm]}, {@code [ss]}) kept.
     */
    static String visible(String format) {
        if (format == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(format.length());
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '"') {
                int end = format.indexOf('"', i + 1);
                i = end < 0 ? format.length() : end;
            } else if (c == '\\' || c == '_' || c == '*') {
                i++; // an escaped character, a space the width of one, a fill character
            } else if (c == '[') {
                int end = format.indexOf(']', i + 1);
                String inside = format.substring(i + 1, end < 0 ? format.length() : end).toLowerCase(Locale.ROOT);
                if (inside.matches("h+|m+|s+")) {
                    out.append(inside);
                }
                i = end < 0 ? format.length() : end;
            } else {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }
}
