package io.caravan.connectors.csv;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code csv.read}: parses a CSV file of the execution. Output {@code {file, rowCount, columns,
 * rows}}; {@code rows} holds the rows themselves when there are at most {@link Rows#INLINE}, else a
 * reference to the file that the next step streams ({@link Rows}). The file is read once here,
 * to the end, so a malformed line fails this step rather than a later one.
 */
public final class CsvReadStep implements StepKind<CsvReadConfig> {

    @Override
    public String type() {
        return "csv.read";
    }

    @Override
    public Class<CsvReadConfig> configType() {
        return CsvReadConfig.class;
    }

    @Override
    public String description() {
        return "Reads the rows of a CSV file (delimiter, quote, header, charset); many rows stream to the next step.";
    }

    @Override
    public void check(CsvReadConfig config, Problems problems) {
        CsvChecks.dialect(config.delimiter(), config.quote(), config.charset(), problems);
    }

    @Override
    public Object run(CsvReadConfig config, StepCall call) throws Exception {
        CsvChecks.dialect(config.delimiter(), config.quote(), config.charset());
        ExecutionFiles files = ExecutionFiles.of(call);
        String key = files.key(config.file(), "file");
        CsvOptions options = config.options();
        List<Map<String, Object>> inline = new ArrayList<>();
        List<String> columns = null;
        long count = 0;
        try (RowSource rows = CsvRows.open(files.open(key, "file"), options)) {
            while (rows.hasNext()) {
                Map<String, Object> row = rows.next();
                if (columns == null) {
                    columns = List.copyOf(row.keySet());
                }
                if (++count <= Rows.INLINE) {
                    inline.add(row);
                }
            }
        } catch (Rows.BadRow e) {
            throw new StepException("csv", "file " + key + ": " + e.getMessage(), false);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            // Commons CSV's words for a malformed file: a bad header, an unclosed quote
            throw new StepException("csv", "file " + key + " is not CSV as configured: " + e.getMessage(), false, e);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("file", config.file());
        output.put("rowCount", count);
        output.put("columns", columns == null ? List.of() : columns);
        output.put("rows", count <= Rows.INLINE ? inline : Rows.reference(key, "csv", options.toMap(), count));
        return output;
    }
}
