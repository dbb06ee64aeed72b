package io.caravan.connectors.csv;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * {@code csv.write}: writes rows — a list, or a reference streamed from another step — into a
 * new CSV file of the execution, one row at a time. Output {@code {file, rowCount}}. Text that
 * a spreadsheet would run as a formula is escaped by default (CSV injection).
 */
public final class CsvWriteStep implements StepKind<CsvWriteConfig> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String type() {
        return "csv.write";
    }

    @Override
    public Class<CsvWriteConfig> configType() {
        return CsvWriteConfig.class;
    }

    @Override
    public String description() {
        return "Writes rows to a CSV file of the execution, streaming; formula-like text is escaped.";
    }

    @Override
    public void check(CsvWriteConfig config, Problems problems) {
        CsvChecks.dialect(config.delimiter(), config.quote(), config.charset(), problems);
    }

    @Override
    public Object run(CsvWriteConfig config, StepCall call) throws Exception {
        CsvChecks.dialect(config.delimiter(), config.quote(), config.charset());
        CsvOptions options = CsvOptions.of(config.delimiter(), config.quote(), config.header(), config.columns(),
                config.charset(), false);
        boolean escape = config.escapeFormulas() == null || config.escapeFormulas();
        ExecutionFiles files = ExecutionFiles.of(call);
        Map<String, Object> file;
        try (RowSource rows = Rows.open(config.rows(), "rows", files)) {
            file = files.write(config.file(), "file", out -> {
                CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(options.delimiter())
                        .setQuote(options.quote()).get();
                try (CSVPrinter printer = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(out,
                        options.charset()), 64 * 1024), format)) {
                    return print(rows, options, escape, printer);
                }
            });
        } catch (Rows.BadRow e) {
            throw e.failure();
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("file", file);
        output.put("rowCount", file.get("row_count"));
        return output;
    }

    private static long print(RowSource rows, CsvOptions options, boolean escape, CSVPrinter printer) throws Exception {
        List<String> columns = options.columns();
        long count = 0;
        List<String> values = new ArrayList<>();
        while (rows.hasNext()) {
            Map<String, Object> row = rows.next();
            if (columns == null) { // the first row's names
                columns = List.copyOf(row.keySet());
            }
            if (count == 0 && options.header()) {
                printer.printRecord(columns);
            }
            values.clear();
            for (String column : columns) {
                values.add(text(row.get(column), escape));
            }
            printer.printRecord(values);
            count++;
        }
        if (count == 0 && options.header() && columns != null) {
            printer.printRecord(columns); // no rows: still a header, when its names are known
        }
        return count;
    }

    /** A value as CSV text: numbers plainly, objects and lists as JSON, formula-like text escaped. */
    static String text(Object value, boolean escape) throws Exception {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return JSON.writeValueAsString(value);
        }
        String text = value.toString();
        return escape && value instanceof String && Formulas.looksLikeOne(text) ? "'" + text : text;
    }
}
