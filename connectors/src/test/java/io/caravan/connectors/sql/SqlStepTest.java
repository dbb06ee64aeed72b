package io.caravan.connectors.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problem;
import io.caravan.job.validation.Problems;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sql step through camel-sql against a real (embedded) PostgreSQL. */
class SqlStepTest {

    private static EmbeddedPostgres postgres;
    private static DefaultCamelContext camel;
    private static StepCall call;

    private final SqlStep step = new SqlStep();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind(SqlStep.dataSourceBean("db"), postgres.getPostgresDatabase());
        camel.start();
        call = io.caravan.connectors.TestCall.of(camel, "sql");
    }

    @AfterAll
    static void stop() throws Exception {
        camel.stop();
        postgres.close();
    }

    @BeforeEach
    void table() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("drop table if exists orders");
            s.execute("create table orders (id int primary key, total numeric, doc jsonb)");
            s.execute("insert into orders (id, total) values (1, 10.5), (2, 20), (3, 30)");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(String query, Map<String, Object> parameters, Integer maxRows) throws Exception {
        return (Map<String, Object>) step.run(new SqlConfig("db", query, parameters, maxRows), call);
    }

    @Test
    void selectReturnsRowsAndRowCount() throws Exception {
        Map<String, Object> output = run("select id, cast(total as text) as total from orders where total > :min"
                + " order by id", Map.of("min", 15), null);

        assertThat(output).containsEntry("rowCount", 2L);
        assertThat(output.get("rows")).isEqualTo(List.of(Map.of("id", 2, "total", "20"), Map.of("id", 3, "total", "30")));
    }

    @Test
    void listValueStandsForOneParameterPerElement() throws Exception {
        Map<String, Object> output = run("select id from orders where id in (:ids) and total >= :min order by id",
                Map.of("ids", List.of(1, 3), "min", 0), null);

        assertThat(output.get("rows")).isEqualTo(List.of(Map.of("id", 1), Map.of("id", 3)));
    }

    @Test
    void objectOrNestedListValueIsBoundAsJsonText() throws Exception {
        Map<String, Object> updated = run("update orders set doc = cast(:doc as jsonb) where id = :id",
                Map.of("doc", Map.of("tags", List.of("a", "b")), "id", 1), null);
        // a list of lists is still one parameter per element, each element as JSON text
        Map<String, Object> nested = run("select cast(pair as jsonb) ->> 1 as second from unnest(array[:pairs]) as pair",
                Map.of("pairs", List.of(List.of(1, 2), List.of(3, 4))), null);

        assertThat(updated).isEqualTo(Map.of("updated", 1));
        assertThat(run("select doc -> 'tags' ->> 1 as tag from orders where id = 1", Map.of(), null).get("rows"))
                .isEqualTo(List.of(Map.of("tag", "b")));
        assertThat(nested.get("rows")).isEqualTo(List.of(Map.of("second", "2"), Map.of("second", "4")));
    }

    @Test
    void updateReturnsTheCountAndMaxRowsLimitsASelect() throws Exception {
        assertThat(run("update orders set total = total + 1 where id <> :id", Map.of("id", 2), null))
                .isEqualTo(Map.of("updated", 2));
        assertThat(run("select id from orders order by id", Map.of(), 2)).containsEntry("rowCount", 2L)
                .containsEntry("truncated", true);
        assertThat(run("select id from orders order by id", Map.of(), 3)).containsEntry("rowCount", 3L)
                .containsEntry("truncated", false);
    }

    @Test
    void emptyListIsRefusedBeforeItReachesTheDatabase() {
        assertThatThrownBy(() -> run("select id from orders where id in (:ids)", Map.of("ids", List.of()), null))
                .isInstanceOfSatisfying(StepException.class, e -> {
                    assertThat(e.type()).isEqualTo("sql.parameter");
                    assertThat(e).hasMessage("parameter 'ids' is an empty list");
                });
    }

    @Test
    void syntaxErrorIsClassifiedAndNotRetryable() {
        assertThatThrownBy(() -> run("selec id from orders", Map.of(), null))
                .isInstanceOfSatisfying(StepException.class, e -> {
                    assertThat(e.type()).isEqualTo("sql.syntax");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e).hasMessageContaining("SQLSTATE 42601");
                });
    }

    @Test
    void uniqueViolationIsAConstraintFailure() {
        assertThatThrownBy(() -> run("insert into orders (id, total) values (:id, 1)", Map.of("id", 1), null))
                .isInstanceOfSatisfying(StepException.class, e -> {
                    assertThat(e.type()).isEqualTo("sql.constraint");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e).hasMessageContaining("SQLSTATE 23505");
                });
    }

    @Test
    void maxRowsBelowOneIsAProblem() {
        Problems problems = new Problems();
        step.check(new SqlConfig("db", "select 1", Map.of(), 0), problems.at(".steps[0]"));

        assertThat(problems.list()).extracting(Problem::path, Problem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("$.steps[0].maxRows", "must be at least 1, got 0"));
    }
}
