package io.caravan.connectors.sql;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.RowsOut;
import io.caravan.job.step.StepCall;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.ColumnMapRowMapper;

/**
 * One statement of the {@code sql} step, run in its own transaction ({@link Transactions}) so that PostgreSQL's driver
 * reads a query's rows through a cursor, {@link #FETCH} at a time, instead of all at once: the
 * rows go one by one into a {@link RowsOut}, which keeps up to 1,000 in the output and hands more
 * on as a file. camel-sql cannot stream this way from a pool whose connections auto-commit (the
 * driver then ignores the fetch size and reads every row into memory), so the step runs the
 * statement on a pooled connection itself.
 */
final class SqlStatement {

    static final int FETCH = 1000;

    private SqlStatement() {
    }

    /** Output {@code {rows, rowCount, truncated}} for a query, {@code {updated}} otherwise. */
    static Map<String, Object> run(StepCall call, DataSource dataSource, String sql, List<Object> values, int maxRows)
            throws Exception {
        try (RowsOut rows = new RowsOut(() -> ExecutionFiles.of(call), call.stepId() + ".rows.jsonl")) {
            Map<String, Object> output = Transactions.run(dataSource, connection -> {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    ps.setFetchSize(FETCH);
                    ps.setMaxRows(maxRows + 1); // one more tells that there were more
                    if (call.timeout() != null) { // JDBC counts a query timeout in whole seconds
                        ps.setQueryTimeout((int) Math.max(1, (call.timeout().toMillis() + 999) / 1000));
                    }
                    for (int i = 0; i < values.size(); i++) {
                        ps.setObject(i + 1, values.get(i));
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    if (!ps.execute()) {
                        out.put("updated", ps.getUpdateCount());
                        return out;
                    }
                    out.put("truncated", read(ps.getResultSet(), rows, maxRows));
                    return out;
                }
            });
            if (output.containsKey("updated")) {
                return output;
            }
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("rows", rows.value());
            query.put("rowCount", rows.count());
            query.put("truncated", output.get("truncated"));
            return query;
        } catch (java.sql.SQLException e) {
            throw SqlErrors.classify(e);
        }
    }

    /** Reads up to {@code maxRows} rows; true when the query had more. */
    private static boolean read(ResultSet rs, RowsOut rows, int maxRows) throws java.sql.SQLException {
        ColumnMapRowMapper mapper = new ColumnMapRowMapper();
        try (rs) {
            int n = 0;
            while (rs.next()) {
                if (n == maxRows) {
                    return true;
                }
                try {
                    rows.add(SqlValues.row(mapper.mapRow(rs, n++)));
                } catch (java.sql.SQLException e) {
                    throw e;
                } catch (Exception e) { // the spool file: not the database's failure
                    throw new IllegalStateException("cannot keep the query's rows: " + e.getMessage(), e);
                }
            }
            return false;
        }
    }
}
