package io.caravan.connectors.xlsx;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * {@code xlsx.write}: writes rows — a list, or a reference streamed from another step — into one
 * sheet of a new xlsx workbook of the execution. Output {@code {file, rowCount}}.
 *
 * <p>It streams through POI's SXSSF: only the last {@value #WINDOW} rows are in memory, the rest
 * go to a gzip-compressed temp file as they are made, and the workbook is then zipped into the
 * execution's spool file; strings are written inline, so no table of them grows in memory
 * either. Values keep their types ({@link XlsxSheetWriter}). Text is written as text cells,
 * never as formulas, so no formula escaping is needed (as {@code csv.write} needs it).
 */
public final class XlsxWriteStep implements StepKind<XlsxWriteConfig> {

    static final int WINDOW = 100;
    static final String DEFAULT_SHEET = "Sheet1";

    @Override
    public String type() {
        return "xlsx.write";
    }

    @Override
    public Class<XlsxWriteConfig> configType() {
        return XlsxWriteConfig.class;
    }

    @Override
    public String description() {
        return "Writes rows to one sheet of an xlsx workbook of the execution, streaming; numbers, booleans and dates"
                + " become cells of their type.";
    }

    @Override
    public void check(XlsxWriteConfig config, Problems problems) {
        XlsxChecks.write(config.sheet(), config.columns(), problems);
    }

    @Override
    public Object run(XlsxWriteConfig config, StepCall call) throws Exception {
        XlsxChecks.write(config.sheet(), config.columns());
        String sheet = config.sheet() == null ? DEFAULT_SHEET : config.sheet();
        boolean header = config.header() == null || config.header();
        ExecutionFiles files = ExecutionFiles.of(call);
        Map<String, Object> file;
        try (RowSource rows = Rows.open(config.rows(), "rows", files)) {
            file = files.write(config.file(), "file", out -> write(rows, sheet, config.columns(), header, out));
        } catch (Rows.BadRow e) {
            throw e.failure();
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("file", file);
        output.put("rowCount", file.get("row_count"));
        return output;
    }

    private static long write(RowSource rows, String name, List<String> columns, boolean header, OutputStream out)
            throws Exception {
        SXSSFWorkbook workbook = new SXSSFWorkbook(null, WINDOW, true, false);
        try {
            XlsxSheetWriter sheet = new XlsxSheetWriter(workbook, name);
            long count = 0;
            while (rows.hasNext()) {
                Map<String, Object> row = rows.next();
                if (columns == null) { // the first row's names
                    columns = List.copyOf(row.keySet());
                    if (columns.size() > XlsxChecks.MAX_COLUMNS) {
                        throw new StepException("xlsx", "rows[0] has " + columns.size() + " columns; a sheet holds at"
                                + " most " + XlsxChecks.MAX_COLUMNS, false);
                    }
                }
                if (count == 0 && header) {
                    sheet.header(columns);
                }
                sheet.row(row, columns, count);
                count++;
            }
            if (count == 0 && header && columns != null) {
                sheet.header(columns); // no rows: still a header, when its names are known
            }
            workbook.write(out);
            return count;
        } finally {
            workbook.close(); // deletes the temp files
        }
    }
}
