package io.caravan.connectors.transform;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import io.caravan.connectors.rows.RowsOut;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code transform}: reshapes rows one at a time, as configuration — new columns from
 * expressions or from other columns with a type, a filter, the rest kept or dropped — between
 * any reader and writer. Output {@code {rows, rowCount, rejected, rejectedCount}}: a row that
 * the filter refuses, or whose value does not convert to its column's type, goes to
 * {@code rejected} with the reason in {@code _error}; nothing is dropped unseen. An expression
 * that fails is the step's failure (a mistake in the job, not in the data).
 */
public final class TransformStep implements StepKind<TransformConfig> {

    @Override
    public String type() {
        return "transform";
    }

    @Override
    public Class<TransformConfig> configType() {
        return TransformConfig.class;
    }

    @Override
    public String description() {
        return "Maps, renames, converts, computes and filters columns row by row, streaming.";
    }

    @Override
    public Set<String> perRowFields() {
        return Set.of("columns", "filter");
    }

    @Override
    public void check(TransformConfig config, Problems problems) {
        if (config.columns() == null) {
            return;
        }
        config.columns().forEach((name, spec) -> {
            if (spec instanceof Map<?, ?>) {
                try {
                    Columns.column(name, spec);
                } catch (IllegalArgumentException | StepException e) {
                    problems.add(".columns." + name, "expected {from, type, default, format}: " + e.getMessage());
                }
            }
        });
    }

    @Override
    public Object run(TransformConfig config, StepCall call) throws Exception {
        ExecutionFiles files = ExecutionFiles.of(call);
        Columns columns = Columns.of(config.columns());
        boolean keep = config.columns() == null || Boolean.TRUE.equals(config.keep());
        try (RowSource rows = Rows.open(config.rows(), "rows", files);
                RowsOut kept = new RowsOut(files, call.stepId() + ".rows.jsonl");
                RowsOut rejected = new RowsOut(files, call.stepId() + ".rejected.jsonl")) {
            while (rows.hasNext()) {
                Map<String, Object> row = rows.next();
                Map<String, Object> made = new LinkedHashMap<>();
                String error = columns.make(row, call, made);
                if (keep) {
                    row.forEach(made::putIfAbsent);
                }
                if (error == null && config.filter() != null && !passes(config.filter(), made, call)) {
                    error = "filtered out";
                }
                if (error == null) {
                    kept.add(made);
                } else {
                    Map<String, Object> refused = new LinkedHashMap<>(row);
                    refused.put("_error", error);
                    rejected.add(refused);
                }
            }
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("rowCount", kept.count());
            output.put("rows", kept.value());
            output.put("rejectedCount", rejected.count());
            output.put("rejected", rejected.value());
            return output;
        } catch (Rows.BadRow e) {
            throw e.failure();
        }
    }

    private static boolean passes(String filter, Map<String, Object> row, StepCall call) throws StepException {
        Object kept = call.render(filter, "filter", Map.of("row", row));
        if (kept instanceof Boolean b) {
            return b;
        }
        throw new StepException("expression", "filter: expected true or false, got "
                + (kept == null ? "null" : "'" + kept + "'"), false);
    }
}
