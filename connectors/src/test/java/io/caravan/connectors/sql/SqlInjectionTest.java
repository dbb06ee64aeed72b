package io.caravan.connectors.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.TestCall;
import io.caravan.job.expression.Expressions;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKinds;
import io.caravan.job.validation.JobValidator;
import io.caravan.job.validation.Problem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.caravan.connectors.TestStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SQL injection, tried against a real PostgreSQL: a query that splices an expression is refused
 * when the job is saved, and every value a caller could send reaches the database as a value —
 * stored verbatim, the table still there. An identifier (a table or column name) cannot come
 * from a parameter at all: {@code :name} is always a bound value, so {@code from :table} is a
 * syntax error, never a table chosen by the caller.
 */
class SqlInjectionTest {

    @TempDir
    static Path dir;
    private static TestStore store;
    private static EmbeddedPostgres postgres;
    private static TestCall call;

    private final SqlStep step = new SqlStep();

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir); // a batch's rows may come as a file of the execution
        postgres = EmbeddedPostgres.builder().start();
        store.camel().getRegistry().bind(SqlStep.dataSourceBean("db"), postgres.getPostgresDatabase());
        call = TestCall.of(store.camel(), "sql");
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
        postgres.close();
    }

    @BeforeEach
    void tables() throws Exception {
        sql("drop table if exists notes; drop table if exists victim");
        sql("create table notes (id int primary key, text text); create table victim (id int)");
        sql("insert into victim values (1)");
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static List<String> stored() throws Exception {
        List<String> texts = new ArrayList<>();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select text from notes order by id")) {
            while (r.next()) {
                texts.add(r.getString(1));
            }
        }
        return texts;
    }

    private static long victims() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from victim")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Values that would end the literal, the statement or the quoting, had they been spliced. */
    static final List<String> HOSTILE = List.of(
            "'; drop table victim; --",
            "x' or '1'='1",
            "'); delete from victim; insert into notes values (99, '",
            "$$; drop table victim; $$",
            "$q$ drop table victim $q$",
            "\\",
            "\\'; drop table victim; --",
            "E'\\x27'",
            "/* comment */ drop table victim",
            "-- comment",
            ":id",
            "?",
            "{{ params.x }}",
            "${body}",
            ":#${header.x}",
            "\u2019; drop table victim; --",
            "\u02bc; drop table victim; --",
            "\uff07; drop table victim; --",
            "\"; drop table victim; --",
            "line\nbreak\r\n; drop table victim;",
            "1; select pg_sleep(5)",
            "é € 日本 🚀",
            "");

    @Test
    void hostileValuesArriveAsValuesOneByOneAndInABatch() throws Exception {
        for (int i = 0; i < HOSTILE.size(); i++) {
            step.run(new SqlConfig("db", "insert into notes (id, text) values (:id, :text)",
                    Map.of("id", i, "text", HOSTILE.get(i)), null), call);
        }
        assertThat(stored()).containsExactlyElementsOf(HOSTILE);

        sql("delete from notes");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            rows.add(Map.of("id", i, "text", HOSTILE.get(i)));
        }
        step.run(new SqlConfig("db", "insert into notes (id, text) values (:id, :text)", null, null, rows, 5), call);
        assertThat(stored()).containsExactlyElementsOf(HOSTILE);

        // read back through a where clause: each value matches exactly its own row, never more
        for (int i = 0; i < HOSTILE.size(); i++) {
            Map<?, ?> out = (Map<?, ?>) step.run(new SqlConfig("db", "select id from notes where text = :text",
                    Map.of("text", HOSTILE.get(i)), null), call);
            assertThat(out.get("rows")).as("select by %s", HOSTILE.get(i)).isEqualTo(List.of(Map.of("id", i)));
        }
        assertThat(victims()).as("the other table is still there, whole").isEqualTo(1);
        System.out.printf("sql injection: %d hostile values x 3 ways (insert, batch, where) stayed values%n",
                HOSTILE.size());
    }

    @Test
    void hostileValuesInAListAndAsJsonStayValues() throws Exception {
        Map<?, ?> in = (Map<?, ?>) step.run(new SqlConfig("db", "select count(*) as n from victim where cast(id as text)"
                + " in (:ids)", Map.of("ids", HOSTILE), null), call);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("k'; drop table victim; --", HOSTILE);
        Map<?, ?> json = (Map<?, ?>) step.run(new SqlConfig("db", "select cast(:doc as jsonb) ->> 'k''; drop table"
                + " victim; --' is not null as ok", Map.of("doc", doc), null), call);

        assertThat(in.get("rows")).isEqualTo(List.of(Map.of("n", 0L)));
        assertThat(json.get("rows")).isEqualTo(List.of(Map.of("ok", true)));
        assertThat(victims()).isEqualTo(1);
    }

    @Test
    void aNulCharacterIsRefusedByTheDatabaseWithAClearErrorNotTruncated() throws Exception {
        Throwable e = catchThrowable(() -> step.run(new SqlConfig("db", "insert into notes (id, text) values (1, :t)",
                Map.of("t", "before\u0000'; drop table victim; --"), null), call));

        assertThat(e).isInstanceOfSatisfying(StepException.class, s -> {
            assertThat(s.type()).startsWith("sql.");
            assertThat(s.retryable()).isFalse();
            assertThat(s).hasMessageContaining("0x00");
        });
        assertThat(stored()).isEmpty();
        assertThat(victims()).isEqualTo(1);
    }

    @Test
    void anIdentifierCannotComeFromAParameter() throws Exception {
        Throwable table = catchThrowable(() -> step.run(new SqlConfig("db", "select * from :table",
                Map.of("table", "victim; drop table victim"), null), call));
        Throwable column = catchThrowable(() -> step.run(new SqlConfig("db", "select :column from victim",
                Map.of("column", "id from victim; drop table victim; --"), null), call));

        assertThat(table).isInstanceOfSatisfying(StepException.class, s -> assertThat(s.type()).isEqualTo("sql.syntax"));
        assertThat(column).as("a bound value, not a column").isNull();
        assertThat(victims()).isEqualTo(1);
    }

    /** Queries that splice; each must be refused when the job is saved, at the query's path. */
    @Test
    void aQueryThatSplicesIsRefusedWhenTheJobIsSaved() throws Exception {
        List<String> splicing = List.of(
                "select * from notes where text = '{{ params.x }}'",
                "select * from notes where text = {{params.x}}",
                "select * from {{ params.table }}",
                "select 1 /* {{ params.x }} */",
                "select '{{' || :x",
                "select * from notes where text = :#x",
                "select * from notes where text = ${header.x}",
                "select * from notes where text = :#${body}");
        ObjectMapper json = new ObjectMapper();
        JobValidator validator = new JobValidator(StepKinds.load(), new Expressions(), json);
        for (int i = 0; i < splicing.size(); i++) {
            Map<String, Object> sqlStep = new LinkedHashMap<>();
            sqlStep.put("id", "q");
            sqlStep.put("type", "sql");
            sqlStep.put("connection", "local");
            sqlStep.put("query", splicing.get(i));
            sqlStep.put("parameters", Map.of("x", "{{ params.x }}"));
            Map<String, Object> batch = new LinkedHashMap<>(sqlStep);
            batch.put("id", "b");
            batch.remove("parameters");
            batch.put("rows", List.of(Map.of("x", 1)));
            Map<String, Object> job = Map.of("id", "splice", "params", Map.of("x", Map.of("type", "string"),
                    "table", Map.of("type", "string")), "steps", List.of(sqlStep, batch));

            List<Problem> problems = validator.validate(json.valueToTree(job), Set.of("local"));
            assertThat(problems).as("%s", splicing.get(i)).extracting(Problem::path)
                    .contains("$.steps[0].query", "$.steps[1].query");
        }
        System.out.printf("sql injection: %d splicing queries refused at save (single and batch)%n", splicing.size());
    }
}
