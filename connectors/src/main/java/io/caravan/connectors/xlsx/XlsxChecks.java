package io.caravan.connectors.xlsx;

import io.caravan.job.expression.Template;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks of the sheet and column settings of both steps: at save, and again as rendered when the step runs. */
final class XlsxChecks {

    /** Excel's limits: rows (header included) and columns of one sheet, characters of one cell. */
    static final int MAX_ROWS = 1_048_576;
    static final int MAX_COLUMNS = 16_384;
    static final int MAX_TEXT = 32_767;

    private XlsxChecks() {
    }

    /** Reports a sheet that is neither a name nor a position, and columns named twice. */
    static void read(Object sheet, List<String> columns, Problems problems) {
        report(".sheet", sheetToReadProblem(sheet), problems);
        report(".columns", columnsProblem(columns), problems);
    }

    static void read(Object sheet, List<String> columns) throws StepException {
        fail(sheetToReadProblem(sheet));
        fail(columnsProblem(columns));
    }

    /** Reports a sheet name Excel would refuse, and columns named twice. */
    static void write(String sheet, List<String> columns, Problems problems) {
        report(".sheet", sheetToWriteProblem(sheet), problems);
        report(".columns", columnsProblem(columns), problems);
    }

    static void write(String sheet, List<String> columns) throws StepException {
        fail(sheetToWriteProblem(sheet));
        fail(columnsProblem(columns));
    }

    private static void fail(String problem) throws StepException {
        if (problem != null) {
            throw new StepException("config", problem, false);
        }
    }

    private static void report(String field, String problem, Problems problems) {
        if (problem != null) {
            problems.add(field, problem);
        }
    }

    private static String sheetToReadProblem(Object sheet) {
        if (sheet == null || sheet instanceof String text && (Template.hasPlaceholder(text) || !text.isEmpty())) {
            return null;
        }
        if (sheet instanceof Integer || sheet instanceof Long) {
            return ((Number) sheet).longValue() >= 1 ? null
                    : "sheet is a name or a position counted from 1, not " + sheet;
        }
        return "sheet is a name or a position counted from 1, not " + (sheet instanceof String ? "empty" : sheet);
    }

    /** Excel's rules for a sheet's name: 1 to 31 characters, none of : \ / ? * [ ], no ' first or last. */
    private static String sheetToWriteProblem(String sheet) {
        if (sheet == null || Template.hasPlaceholder(sheet)) {
            return null;
        }
        if (sheet.isBlank() || sheet.length() > 31) {
            return "sheet name must have 1 to 31 characters, not " + sheet.length() + (sheet.isEmpty() ? "" : ": '"
                    + sheet + "'");
        }
        for (int i = 0; i < sheet.length(); i++) {
            char c = sheet.charAt(i);
            if (":\\/?*[]".indexOf(c) >= 0 || Character.isISOControl(c)) {
                return "sheet name '" + sheet + "' holds '" + (Character.isISOControl(c) ? "\\u" + String.format(
                        "%04x", (int) c) : String.valueOf(c)) + "', which Excel does not allow in a sheet name";
            }
        }
        if (sheet.startsWith("'") || sheet.endsWith("'")) {
            return "sheet name '" + sheet + "' starts or ends with ', which Excel does not allow";
        }
        return null;
    }

    private static String columnsProblem(List<String> columns) {
        if (columns == null) {
            return null;
        }
        if (columns.size() > MAX_COLUMNS) {
            return "a sheet has at most " + MAX_COLUMNS + " columns, not " + columns.size();
        }
        Set<String> seen = new HashSet<>();
        for (String column : columns) {
            if (column == null || column.isEmpty()) {
                return "a column name is empty";
            }
            if (!Template.hasPlaceholder(column) && !seen.add(column)) {
                return "column '" + column + "' is named twice";
            }
        }
        return null;
    }
}
