package io.caravan.connectors.sql;

import io.caravan.job.expression.Template;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;

/**
 * {@code sql}: one statement through camel-sql against a named connection. The query's
 * {@code :name} parameters are parsed by Spring's {@link NamedParameterUtils} (which knows
 * quotes, comments and {@code ::} casts), turned into {@code ?} and bound — values are never
 * spliced into SQL. Output {@code {rows, rowCount}} for a query, {@code {updated}} otherwise.
 */
public final class SqlStep implements StepKind<SqlConfig> {

    private static final int DEFAULT_MAX_ROWS = 10_000;

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
        Map<String, Object> parameters = config.parameters() == null ? Map.of() : config.parameters();
        for (String name : names(NamedParameterUtils.parseSqlStatement(query))) {
            if (!parameters.containsKey(name)) {
                problems.add(".parameters", "the query uses :" + name + " but parameters has no '" + name + "'");
            }
        }
    }

    @Override
    public Object run(SqlConfig config, StepCall call) throws StepException {
        ParsedSql parsed = NamedParameterUtils.parseSqlStatement(config.query());
        MapSqlParameterSource source = new MapSqlParameterSource(
                config.parameters() == null ? Map.of() : new LinkedHashMap<>(config.parameters()));
        for (String name : names(parsed)) {
            if (!source.hasValue(name)) {
                throw new StepException("sql.parameter", "the query uses :" + name + " but parameters has no '" + name + "'", false);
            }
        }
        String sql = NamedParameterUtils.substituteNamedParameters(parsed, source);
        List<Object> values = Arrays.asList(NamedParameterUtils.buildValueArray(parsed, source, null));
        if (call.camel().getRegistry().lookupByName(dataSourceBean(config.connection())) == null) {
            throw new StepException("sql.connection", "unknown connection '" + config.connection() + "'", false);
        }
        int maxRows = config.maxRows() == null ? DEFAULT_MAX_ROWS : config.maxRows();
        Exchange result = call.producer().send(endpoint(config.connection(), maxRows), exchange -> {
            exchange.getMessage().setBody(sql);
            exchange.getMessage().setHeader(SqlConstants.SQL_PARAMETERS, values.iterator());
        });
        if (result.getException() != null) {
            throw SqlErrors.classify(result.getException());
        }
        return output(result);
    }

    private static String endpoint(String connection, int maxRows) {
        return "sql:caravan?dataSource=#" + dataSourceBean(connection)
                + "&useMessageBodyForSql=true&allowNamedParameters=false&outputType=SelectList"
                + "&template.maxRows=" + maxRows;
    }

    private static Map<String, Object> output(Exchange result) {
        Map<String, Object> output = new LinkedHashMap<>();
        Integer updated = result.getMessage().getHeader(SqlConstants.SQL_UPDATE_COUNT, Integer.class);
        if (updated != null) {
            output.put("updated", updated);
            return output;
        }
        List<?> rows = result.getMessage().getBody(List.class);
        List<Map<String, Object>> values = rows == null ? List.of() : rows.stream()
                .map(row -> SqlValues.row((Map<?, ?>) row)).toList();
        output.put("rows", values);
        output.put("rowCount", values.size());
        return output;
    }

    /** The query's parameter names in order (Spring keeps its list package-private; it asks for each value). */
    private static List<String> names(ParsedSql parsed) {
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
