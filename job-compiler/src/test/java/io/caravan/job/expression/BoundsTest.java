package io.caravan.job.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An expression ends in bounded time and builds bounded values, or fails naming itself. */
class BoundsTest {

    private static final Duration LIMIT = Duration.ofMillis(200);

    private final Expressions expressions = new Expressions(LIMIT);
    private final Map<String, Object> scope = scope();

    private static Map<String, Object> scope() {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rows.add(Map.of("id", i, "name", "row" + i));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("text", "a".repeat(40) + "!");
        params.put("rows", rows);
        return Map.of("params", params);
    }

    /** Regexes that backtrack for hours, and searches that multiply two large values. */
    @ParameterizedTest
    @ValueSource(strings = {
        "params.text =~ '(.*a){25}b'",
        "params.text !~ '(.*a){25}b'",
        "[params.text] =~ '(.*a){25}b'",
        "jsonpath(params.rows, '$[?(@.name in $..name)].id')",
        "size(jsonpath(params.rows, '$[?(@.name in $..name)].id'))",
        "params.rows =~ params.rows",
    })
    void stopsAtTheTimeLimit(String expression) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> expressions.evaluate(expression, scope))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.expression()).isEqualTo(expression);
                    assertThat(e.reason()).startsWith("took longer than 200 ms");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LIMIT.multipliedBy(10));
    }

    @Test
    void jsonpathFiltersMayNotMatchRegexes() {
        assertThatThrownBy(() -> expressions.evaluate("jsonpath(params.rows, '$[?(@.name =~ /row1.*/)]')", scope))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("a JSONPath filter may not use =~");
        assertThat(expressions.evaluate("jsonpath(params.rows, '$[?(@.id == 7)].name')", scope))
                .isEqualTo(List.of("row7"));
    }

    /** Text that would grow past 1 MiB is refused while it grows. */
    @ParameterizedTest
    @ValueSource(strings = {
        "join(1..2000000000, ',')",
        "json(1..2000000000)",
        "'x' + (1..2000000000)",
        "'x' + json(params.rows) + json(params.rows) + json(params.rows)",
        "upper(json(params.rows) + json(params.rows))",
        "json(json(json(json(json(json(json(json(json(json(json(json(json(json(json(json(json(json(json(json("
                + "json(json(json(json(json(json(json(json(json(json('\"'))))))))))))))))))))))))))))))",
    })
    void refusesTextOverOneMebibyte(String expression) {
        assertThatThrownBy(() -> expressions.evaluate(expression, scope))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.expression()).isEqualTo(expression);
                    assertThat(e.reason()).contains("longer than 1048576 characters");
                });
    }

    @Test
    void aRangeInsideTextIsRefusedNamingIt() {
        assertThatThrownBy(() -> Template.render("n={{ 1..2000000000 }}", scope, expressions))
                .isInstanceOfSatisfying(ExpressionException.class,
                        e -> assertThat(e.expression()).isEqualTo("1..2000000000"));
    }

    @Test
    void rangesAndArraysBecomeListsOfBoundedSize() {
        assertThat(expressions.evaluate("1..3", scope)).isEqualTo(List.of(1, 2, 3));
        assertThat(expressions.evaluate("[1, 'a']", scope)).isEqualTo(List.of(1, "a"));
        assertThat(expressions.evaluate("size(1..2000000000)", scope)).isEqualTo(2_000_000_000);
        assertThat(expressions.evaluate("7 =~ (1..2000000000)", scope)).isEqualTo(true);
        assertThatThrownBy(() -> expressions.evaluate("1..2000000000", scope))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("the result has 2000000000 elements")
                .hasMessageContaining("at most 100000");
    }

    @Test
    void hugeDecimalsReadWithAnExponentInText() {
        assertThat(Template.render("n={{ 1E999999999B }}", scope, expressions)).isEqualTo("n=1E+999999999");
        assertThat(Template.render("n={{ 1.50B }}", scope, expressions)).isEqualTo("n=1.50");
        assertThat(Template.render("n={{ 1E+3B }}", scope, expressions)).isEqualTo("n=1000");
    }

    @Test
    void listsAndMapsAddedToTextAreJson() {
        assertThat(expressions.evaluate("'ids: ' + [1, 2]", scope)).isEqualTo("ids: [1,2]");
        assertThat(expressions.evaluate("'row: ' + params.rows[0].id", scope)).isEqualTo("row: 0");
    }

    @Test
    void nestingDeeperThanTheStackIsRefused() {
        String deep = "(".repeat(20_000) + "1" + ")".repeat(20_000);
        assertThatThrownBy(() -> expressions.evaluate(deep, scope))
                .isInstanceOfSatisfying(ExpressionException.class,
                        e -> assertThat(e.reason()).contains("nested too deeply"));
        assertThatThrownBy(() -> expressions.variables("!".repeat(20_000) + "true"))
                .isInstanceOf(ExpressionException.class);
    }

    @Test
    void findingPlaceholdersIsLinear() {
        String unclosed = "{{".repeat(200_000);
        long start = System.nanoTime();
        assertThat(Template.hasUnclosed(unclosed)).isTrue();
        assertThat(Template.hasPlaceholder(unclosed)).isFalse();
        assertThat(Template.expressions("{{ a }}".repeat(100_000))).hasSize(100_000);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
}
