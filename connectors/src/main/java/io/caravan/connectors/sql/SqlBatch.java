package io.caravan.connectors.sql;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.rows.RowSource;
import io.caravan.connectors.rows.Rows;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;

/**
 * The {@code sql} step given {@code rows}: the statement once per row, sent as JDBC batches of
 * {@code batch} rows, each batch in its own transaction, while the rows stream in — a million
 * rows never sit in memory. Done with JDBC batches on a pooled connection ({@link Transactions})
 * because camel-sql's producer can neither stream a batch from an iterator of unknown length nor
 * commit per chunk. A chunk that fails rolls back alone; the chunks before it
 * stay committed, and the error says how many rows they held.
 */
final class SqlBatch {

    static final int DEFAULT_BATCH = 1000;

    private SqlBatch() {
    }

    static Map<String, Object> run(SqlConfig config, StepCall call, List<String> names) throws Exception {
        DataSource dataSource = call.camel().getRegistry().lookupByNameAndType(SqlStep.dataSourceBean(
                config.connection()), DataSource.class);
        if (dataSource == null) {
            throw new StepException("sql.connection", "unknown connection '" + config.connection() + "'", false);
        }
        int size = config.batch() == null ? DEFAULT_BATCH : config.batch();
        ParsedSql parsed = NamedParameterUtils.parseSqlStatement(config.query());
        String sql = NamedParameterUtils.substituteNamedParameters(parsed, new MapSqlParameterSource(placeholders(names)));
        int timeout = call.timeout() == null ? 0 : (int) Math.max(1, (call.timeout().toMillis() + 999) / 1000);
        Map<String, Object> constants = config.parameters() == null ? Map.of() : config.parameters();
        long rows = 0;
        long updated = 0;
        int chunks = 0;
        List<Object[]> chunk = new ArrayList<>(size);
        try (RowSource source = Rows.open(config.rows(), "rows", ExecutionFiles.of(call))) {
            while (source.hasNext() || !chunk.isEmpty()) {
                if (source.hasNext()) {
                    chunk.add(values(parsed, names, source.next(), constants, rows + chunk.size()));
                }
                if (chunk.size() == size || !source.hasNext() && !chunk.isEmpty()) {
                    updated += send(dataSource, sql, timeout, chunk, rows);
                    rows += chunk.size();
                    chunks++;
                    chunk.clear();
                }
            }
        } catch (Rows.BadRow e) {
            throw e.failure();
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("updated", updated);
        output.put("rowCount", rows);
        output.put("chunks", chunks);
        return output;
    }

    /** One chunk in one transaction; its failure says how many rows the chunks before it committed. */
    private static long send(DataSource dataSource, String sql, int timeoutSeconds, List<Object[]> chunk,
            long committed) throws StepException {
        try {
            int[] counts = Transactions.run(dataSource, connection -> {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    if (timeoutSeconds > 0) {
                        ps.setQueryTimeout(timeoutSeconds);
                    }
                    for (Object[] row : chunk) {
                        for (int i = 0; i < row.length; i++) {
                            ps.setObject(i + 1, row[i]);
                        }
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                }
            });
            long sum = 0;
            for (int count : counts) {
                sum += Math.max(count, 0); // a driver may answer SUCCESS_NO_INFO (-2)
            }
            return sum;
        } catch (java.sql.SQLException | RuntimeException e) {
            StepException failure = SqlErrors.classify(e);
            // trying again would insert the committed rows twice: only a failure before any commit is retried
            return rethrow(new StepException(failure.type(), "rows " + (committed + 1) + "–" + (committed + chunk.size())
                    + " (rolled back; " + committed + " rows before them were committed): " + failure.getMessage(),
                    failure.retryable() && committed == 0, e));
        }
    }

    private static long rethrow(StepException e) throws StepException {
        throw e;
    }

    /** The values of one row for the statement's {@code ?}, in order: the row's, else the constant parameters'. */
    private static Object[] values(ParsedSql parsed, List<String> names, Map<String, Object> row,
            Map<String, Object> constants, long index) throws StepException {
        MapSqlParameterSource source = new MapSqlParameterSource();
        for (String name : names) {
            if (row.containsKey(name)) {
                source.addValue(name, row.get(name));
            } else if (constants.containsKey(name)) {
                source.addValue(name, constants.get(name));
            } else {
                throw new StepException("sql.parameter", "row " + (index + 1) + " has no '" + name + "' for :" + name
                        + " (nor has parameters); its names are " + row.keySet(), false);
            }
        }
        Object[] values = NamedParameterUtils.buildValueArray(parsed, source, null);
        for (int i = 0; i < values.length; i++) {
            values[i] = SqlStep.scalar(values[i]); // a list is one value here: its JSON text
        }
        return values;
    }

    private static Map<String, Object> placeholders(List<String> names) {
        Map<String, Object> values = new LinkedHashMap<>();
        names.forEach(name -> values.put(name, null)); // one ? each: a row's list value is bound as JSON text
        return values;
    }
}
