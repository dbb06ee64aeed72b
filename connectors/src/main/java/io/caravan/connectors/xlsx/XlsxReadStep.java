package io.caravan.connectors.xlsx;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.Rows;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code xlsx.read}: reads one sheet of an xlsx workbook of the execution. Output {@code {file,
 * sheet, rowCount, columns, rows}}; {@code rows} holds the rows themselves when there are at most
 * {@link Rows#INLINE}, else a reference to the workbook that the next step streams
 * ({@link Rows}). Values keep their types: numbers, booleans, text, and dates as ISO text
 * ({@link XlsxCells}). The sheet is read once here, to the end, so a bad workbook fails this step
 * rather than a later one; a zip bomb or a workbook with a DTD (XXE) is refused before any of it
 * is parsed ({@link XlsxGuard}).
 */
public final class XlsxReadStep implements StepKind<XlsxReadConfig> {

    @Override
    public String type() {
        return "xlsx.read";
    }

    @Override
    public Class<XlsxReadConfig> configType() {
        return XlsxReadConfig.class;
    }

    @Override
    public String description() {
        return "Reads the rows of one sheet of an xlsx workbook (numbers, booleans, dates and text kept); many rows"
                + " stream to the next step.";
    }

    @Override
    public void check(XlsxReadConfig config, Problems problems) {
        XlsxChecks.read(config.sheet(), config.columns(), problems);
    }

    @Override
    public Object run(XlsxReadConfig config, StepCall call) throws Exception {
        XlsxChecks.read(config.sheet(), config.columns());
        ExecutionFiles files = ExecutionFiles.of(call);
        String key = files.key(config.file(), "file");
        XlsxOptions options = config.options();
        InputStream in = files.open(key, "file");
        List<Map<String, Object>> inline = new ArrayList<>();
        List<String> columns;
        String sheet = null;
        long count = 0;
        try (XlsxRows.Source rows = XlsxRows.open(in, options, XlsxRows.SHARED_STRINGS_IN_MEMORY)) {
            sheet = rows.sheet();
            columns = rows.columns();
            while (rows.hasNext()) {
                Map<String, Object> row = rows.next();
                if (columns == null) {
                    columns = List.copyOf(row.keySet());
                }
                if (++count <= Rows.INLINE) {
                    inline.add(row);
                }
            }
        } catch (StepException e) {
            throw new StepException(e.type(), "file " + key + ": " + e.getMessage(), false, e.getCause());
        } catch (Rows.BadRow e) {
            throw new StepException("xlsx", "file " + key + ", sheet '" + sheet + "': " + e.getMessage(), false);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("file", config.file());
        output.put("sheet", sheet);
        output.put("rowCount", count);
        output.put("columns", columns == null ? List.of() : columns);
        output.put("rows", count <= Rows.INLINE ? inline
                : Rows.reference(key, "xlsx", XlsxOptions.of(sheet, options.header(), options.columns()).toMap(),
                        count));
        return output;
    }
}
