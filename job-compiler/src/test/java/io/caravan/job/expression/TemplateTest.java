package io.caravan.job.expression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

    private final Expressions expressions = new Expressions();

    @Test
    void hasPlaceholder() {
        assertThat(Template.hasPlaceholder("a {{ params.x }} b")).isTrue();
        assertThat(Template.hasPlaceholder("{{x}}")).isTrue();
        assertThat(Template.hasPlaceholder("plain text")).isFalse();
        assertThat(Template.hasPlaceholder("{{ never closed")).isFalse();
        assertThat(Template.hasPlaceholder("{ {x} }")).isFalse();
        assertThat(Template.hasPlaceholder(null)).isFalse();
    }

    @Test
    void expressionsAreListedInOrderAndStripped() {
        assertThat(Template.expressions("{{ a.b }}-{{c}}-{{  d[0]  }}")).containsExactly("a.b", "c", "d[0]");
        assertThat(Template.expressions("no placeholder")).isEmpty();
        assertThat(Template.expressions(null)).isEmpty();
    }

    @Test
    void expressionsMaySpanLines() {
        assertThat(Template.expressions("{{ a &&\n b }}")).containsExactly("a &&\n b");
    }

    @Test
    void wholeExpressionAllowsSurroundingWhitespace() {
        assertThat(Template.wholeExpression("{{ params.x }}")).isEqualTo("params.x");
        assertThat(Template.wholeExpression("  {{params.x}}\n")).isEqualTo("params.x");
    }

    @Test
    void wholeExpressionIsNullWhenThereIsMoreThanOnePlaceholderOrText() {
        assertThat(Template.wholeExpression("x {{ params.x }}")).isNull();
        assertThat(Template.wholeExpression("{{ params.x }}.csv")).isNull();
        assertThat(Template.wholeExpression("{{ a }}{{ b }}")).isNull();
        assertThat(Template.wholeExpression("{{ a }} and {{ b }}")).isNull();
        assertThat(Template.wholeExpression("plain")).isNull();
    }

    @Test
    void rendersSeveralPlaceholdersIntoText() {
        Map<String, Object> scope = Map.of("params", Map.of("date", "2026-11-21", "n", 3),
                "steps", Map.of("a", Map.of("output", List.of(1, 2))));
        Object text = Template.render("orders-{{ params.date }}-{{ params.n * 2 }}-{{ steps.a.output }}.xlsx",
                scope, expressions);
        assertThat(text).isEqualTo("orders-2026-11-21-6-[1,2].xlsx");
    }

    @Test
    void renderKeepsDollarsAndBackslashesOfValuesLiterally() {
        Map<String, Object> scope = Map.of("params", Map.of("price", "$1\\2"));
        assertThat(Template.render("cost: {{ params.price }}", scope, expressions)).isEqualTo("cost: $1\\2");
    }

    @Test
    void renderWritesNumbersPlainly() {
        Map<String, Object> scope = Map.of("params", Map.of("big", new java.math.BigDecimal("1E+3")));
        assertThat(Template.render("n={{ params.big }}", scope, expressions)).isEqualTo("n=1000");
    }
}
