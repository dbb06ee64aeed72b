package io.caravan.connectors.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.expression.Template;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;

/**
 * {@code sql}: one statement against a named connection ({@link SqlStatement}; with {@code rows},
 * batches: {@link SqlBatch}). The query's
 * {@code :name} parameters are parsed by Spring's {@link NamedParameterUtils} (which knows
 * quotes, comments and {@code ::} casts), turned into {@code ?} and bound — values are never
 * spliced into SQL. A list value stands for one {@code ?} per element ({@code where id in (:ids)});
 * an object, or a list inside a list, is bound as its JSON text ({@code cast(:doc as jsonb)}).
 * Output {@code {rows, rowCount}} for a query, {@code {updated}} otherwise.
 */
public final class SqlStep implements StepKind<SqlConfig> {

    private static final int DEFAULT_MAX_ROWS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The registry name of a connection's DataSource. */
    public static String dataSourceBean(String connection) {
        return "caravan-connection-" + connection;
    }

    @Override
    public String type() {
        return "sql";
    }

    @Override
    public Class<SqlConfig> configType() {
        return SqlConfig.class;
    }

    @Override
    public String description() {
        return "Runs one SQL statement with bound :name parameters; output {rows, rowCount} or {updated}.";
    }

    @Override
    public void check(SqlConfig config, Problems problems) {
        String query = config.query();
        if (Template.hasPlaceholder(query) || query.contains("{{")) {
            problems.add(".query", "must not contain {{ }}: write :name in the query and give its value in parameters");
            return;
        }
        if (query.contains(":#") || query.contains("${")) {
            problems.add(".query", "write parameters as :name");
        }
        if (config.maxRows() != null && config.maxRows() < 1) {
            problems.add(".maxRows", "must be at least 1, got " + config.maxRows());
        }
        if (config.batch() != null && config.batch() < 1) {
            problems.add(".batch", "must be at least 1, got " + config.batch());
        }
        if (config.batch() != null && config.rows() == null) {
            problems.add(".batch", "applies to rows; give rows to run the statement for");
        }
        if (config.rows() != null) {
            return; // the names are bound from each row
        }
        Map<String, Object> parameters = config.parameters() == null ? Map.of() : config.parameters();
        for (String name : names(NamedParameterUtils.parseSqlStatement(query))) {
            if (!parameters.containsKey(name)) {
                problems.add(".parameters", "the query uses :" + name + " but parameters has no '" + name + "'");
            }
        }
    }

    @Override
    public Object run(SqlConfig config, StepCall call) throws Exception {
        if (config.rows() != null) {
            return SqlBatch.run(config, call, names(NamedParameterUtils.parseSqlStatement(config.query())));
        }
        ParsedSql parsed = NamedParameterUtils.parseSqlStatement(config.query());
        MapSqlParameterSource source = new MapSqlParameterSource(
                config.parameters() == null ? Map.of() : new LinkedHashMap<>(config.parameters()));
        for (String name : names(parsed)) {
            if (!source.hasValue(name)) {
                throw new StepException("sql.parameter", "the query uses :" + name + " but parameters has no '" + name + "'", false);
            }
            if (source.getValue(name) instanceof Iterable<?> list && !list.iterator().hasNext()) {
                // Spring would write nothing for it, e.g. "in ()", which no database accepts
                throw new StepException("sql.parameter", "parameter '" + name + "' is an empty list", false);
            }
        }
        String sql = NamedParameterUtils.substituteNamedParameters(parsed, source);
        List<Object> values = values(NamedParameterUtils.buildValueArray(parsed, source, null));
        javax.sql.DataSource dataSource = call.camel().getRegistry().lookupByNameAndType(
                dataSourceBean(config.connection()), javax.sql.DataSource.class);
        if (dataSource == null) {
            throw new StepException("sql.connection", "unknown connection '" + config.connection() + "'", false);
        }
        int maxRows = config.maxRows() == null ? DEFAULT_MAX_ROWS : config.maxRows();
        return SqlStatement.run(call, dataSource, sql, values, maxRows);
    }

    /**
     * The values for the {@code ?} of the SQL, in order. Spring writes one {@code ?} per element
     * of a collection value but returns the collection as one value, so it is flattened here.
     */
    private static List<Object> values(Object[] perParameter) throws StepException {
        List<Object> values = new ArrayList<>();
        for (Object value : perParameter) {
            if (value instanceof Iterable<?> elements) { // exactly what Spring expands
                for (Object element : elements) {
                    values.add(scalar(element));
                }
            } else {
                values.add(scalar(value));
            }
        }
        return values;
    }

    /** A value JDBC can bind: objects and nested lists as JSON text. */
    static Object scalar(Object value) throws StepException {
        if (!(value instanceof Map<?, ?>) && !(value instanceof Iterable<?>)) {
            return value;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StepException("sql.parameter", "a parameter value cannot be written as JSON: " + e.getMessage(),
                    false, e);
        }
    }

    /** The query's parameter names in order (Spring keeps its list package-private; it asks for each value). */
    static List<String> names(ParsedSql parsed) {
        List<String> names = new java.util.ArrayList<>();
        NamedParameterUtils.buildValueArray(parsed, new org.springframework.jdbc.core.namedparam.AbstractSqlParameterSource() {
            @Override
            public boolean hasValue(String name) {
                return true;
            }

            @Override
            public Object getValue(String name) {
                if (!names.contains(name)) {
                    names.add(name);
                }
                return null;
            }
        }, null);
        return names;
    }
}
