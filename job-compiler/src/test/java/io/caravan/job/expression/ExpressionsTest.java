package io.caravan.job.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionsTest {

    private final Expressions expressions = new Expressions();

    private final List<Object> items = List.of(
            Map.of("id", 7, "total", 12.5),
            Map.of("id", 8, "total", 3));

    private final Map<String, Object> scope = scope();

    private Map<String, Object> scope() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("date", "2026-11-21");
        params.put("limit", 1000);
        params.put("flag", false);
        params.put("tags", List.of("finance", "daily"));
        params.put("nothing", null);
        Map<String, Object> orders = Map.of("status", "SUCCESS",
                "output", Map.of("status", 200, "body", Map.of("items", items)));
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("params", params);
        scope.put("steps", Map.of("orders", orders));
        return scope;
    }

    private Object eval(String expression) {
        return expressions.evaluate(expression, scope);
    }

    private Object render(String text) {
        return Template.render(text, scope, expressions);
    }

    // --- typed whole-value substitution -------------------------------------------------

    @Test
    void wholePlaceholderKeepsANumberANumber() {
        assertThat(render("{{ params.limit }}")).isInstanceOf(Integer.class).isEqualTo(1000);
    }

    @Test
    void wholePlaceholderKeepsAListAList() {
        assertThat(render("{{ steps.orders.output.body.items }}")).isInstanceOf(List.class).isEqualTo(items);
    }

    @Test
    void wholePlaceholderKeepsAMapAMap() {
        assertThat(render("{{ steps.orders.output.body.items[0] }}"))
                .isInstanceOf(Map.class).isEqualTo(Map.of("id", 7, "total", 12.5));
    }

    @Test
    void wholePlaceholderKeepsABooleanABoolean() {
        assertThat(render(" {{ params.limit > 10 }} ")).isEqualTo(Boolean.TRUE);
    }

    @Test
    void placeholderInsideTextBecomesText() {
        assertThat(render("limit={{ params.limit }}")).isEqualTo("limit=1000");
        assertThat(render("tags: {{ params.tags }}")).isEqualTo("tags: [\"finance\",\"daily\"]");
    }

    @Test
    void nullInsideTextIsEmpty() {
        assertThat(render("[{{ params.nothing }}]")).isEqualTo("[]");
        assertThat(render("[{{ params.absent }}]")).isEqualTo("[]");
    }

    @Test
    void wholePlaceholderOfNullIsNull() {
        assertThat(render("{{ params.nothing }}")).isNull();
    }

    @Test
    void textWithoutPlaceholderIsReturnedAsIs() {
        assertThat(render("plain {text}")).isEqualTo("plain {text}");
    }

    // --- reading the context ---------------------------------------------------------------

    @Test
    void readsDotPathsAndIndexes() {
        assertThat(eval("steps.orders.output.body.items[0].id")).isEqualTo(7);
        assertThat(eval("steps.orders.output.body.items[1]['total']")).isEqualTo(3);
        assertThat(eval("steps.orders.output.status")).isEqualTo(200);
    }

    @Test
    void combinesWithAndOrNot() {
        assertThat(eval("params.limit > 10 && params.date == '2026-11-21'")).isEqualTo(true);
        assertThat(eval("params.limit > 10 && params.flag")).isEqualTo(false);
        assertThat(eval("params.flag || params.limit == 1000")).isEqualTo(true);
        assertThat(eval("!params.flag")).isEqualTo(true);
        assertThat(eval("!(params.limit > 10)")).isEqualTo(false);
    }

    @Test
    void elvisDefaultsAMissingValue() {
        assertThat(eval("params.x ?: 'none'")).isEqualTo("none");
        assertThat(eval("params.date ?: 'none'")).isEqualTo("2026-11-21");
        assertThat(eval("params.flag ?: 'none'")).as("elvis treats false as missing").isEqualTo("none");
    }

    @Test
    void nullCoalescingDefaultsOnlyNull() {
        assertThat(eval("params.nothing ?? 'none'")).isEqualTo("none");
        assertThat(eval("params.flag ?? 'none'")).isEqualTo(false);
        assertThat(eval("params.limit ?? 5")).isEqualTo(1000);
    }

    @Test
    void sizeOfListsMapsAndText() {
        assertThat(eval("size(steps.orders.output.body.items)")).isEqualTo(2);
        assertThat(eval("size('abc')")).isEqualTo(3);
        assertThat(eval("steps.orders.output.body.items.size() > 0")).isEqualTo(true);
    }

    @Test
    void callsStringMethods() {
        assertThat(eval("'  a '.trim()")).isEqualTo("a");
        assertThat(eval("params.date.substring(0, 4)")).isEqualTo("2026");
        assertThat(eval("params.date.startsWith('2026')")).isEqualTo(true);
    }

    // --- functions ---------------------------------------------------------------------------

    @Test
    void dateFormatsAndShiftsByDays() {
        assertThat(eval("date(params.date, 'yyyy-MM-dd', -1)")).isEqualTo("2026-11-20");
        assertThat(eval("date('2026-12-31T23:30:00Z', 'yyyy-MM-dd', 1)")).isEqualTo("2027-01-01");
        assertThat(eval("date(params.date, 'dd/MM/yyyy')")).isEqualTo("21/11/2026");
    }

    @Test
    void nowIsTheCurrentInstant() {
        Instant before = Instant.now();
        Instant now = Instant.parse((String) eval("now()"));
        assertThat(now).isBetween(before, Instant.now());
    }

    @Test
    void jsonpathCollectsMatches() {
        assertThat(eval("jsonpath(steps.orders.output.body, '$..id')")).isEqualTo(List.of(7, 8));
        assertThat(eval("jsonpath(steps.orders.output.body, '$.items[1].total')")).isEqualTo(3);
        assertThat(eval("jsonpath(steps.orders.output.body, '$.nothing')")).isNull();
    }

    @Test
    void stringHelpers() {
        assertThat(eval("upper(params.date + 'x')")).isEqualTo("2026-11-21X");
        assertThat(eval("lower('AbC')")).isEqualTo("abc");
        assertThat(eval("trim('  a  ')")).isEqualTo("a");
        assertThat(eval("upper(params.nothing)")).isNull();
    }

    @Test
    void joinSplitKeysAndJson() {
        assertThat(eval("join(params.tags, ', ')")).isEqualTo("finance, daily");
        assertThat(eval("split('a;b;;c', ';')")).isEqualTo(List.of("a", "b", "", "c"));
        assertThat(eval("keys(params)")).isEqualTo(List.of("date", "limit", "flag", "tags", "nothing"));
        assertThat(eval("json(steps.orders.output.body.items[1])")).isIn("{\"id\":8,\"total\":3}",
                "{\"total\":3,\"id\":8}");
    }

    // --- errors ------------------------------------------------------------------------------

    @Test
    void undefinedTopLevelVariableFailsNamingTheExpression() {
        assertThatThrownBy(() -> eval("nope > 1"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.expression()).isEqualTo("nope > 1");
                    assertThat(e.reason()).contains("'nope'").contains("undefined");
                    assertThat(e.getMessage()).startsWith("expression 'nope > 1': ");
                });
    }

    @Test
    void dereferencedTopLevelNameThatIsNotInTheScopeFailsInsteadOfYieldingNull() {
        for (String expression : List.of("row.y", "row.y ?? 'none'", "item.id", "size(nope.list)")) {
            assertThatThrownBy(() -> eval(expression)).as(expression)
                    .isInstanceOfSatisfying(ExpressionException.class, e -> {
                        assertThat(e.expression()).isEqualTo(expression);
                        assertThat(e.reason()).matches("variable '(row|item|nope)' is undefined");
                    });
        }
    }

    @Test
    void secretsNotGivenAndConnectionsNeverRenderEmpty() {
        assertThatThrownBy(() -> render("Bearer {{ secrets.api_token }}"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.expression()).isEqualTo("secrets.api_token");
                    assertThat(e.reason()).contains("no secrets were given to this execution");
                });
        assertThatThrownBy(() -> eval("connections.crm.base_url ?: 'http://localhost'"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("no connections were given to this execution");
    }

    @Test
    void missingKeysBelowTheTopLevelStaySafe() {
        assertThat(eval("params.absent.deeper ?? 'none'")).isEqualTo("none");
        assertThat(eval("steps.orders.output.body.missing")).isNull();
        Map<String, Object> withNullItem = new LinkedHashMap<>(scope);
        withNullItem.put("item", null);
        assertThat(expressions.evaluate("item.id ?? 'no id'", withNullItem)).isEqualTo("no id");
    }

    @Test
    void replaceIsLiteralAndKeepsNull() {
        assertThat(eval("replace(params.date, '-', '/')")).isEqualTo("2026/11/21");
        assertThat(eval("replace('a.b', '.', '$1')")).isEqualTo("a$1b");
        assertThat(eval("replace(params.nothing, 'a', 'b')")).isNull();
    }

    @Test
    void replaceRefusesAResultOverOneMebibyte() {
        Map<String, Object> big = new LinkedHashMap<>(scope);
        big.put("text", "a".repeat(600_000));
        assertThat((String) expressions.evaluate("replace(text, 'a', 'b')", big)).hasSize(600_000);
        assertThatThrownBy(() -> expressions.evaluate("replace(text, 'a', 'aa')", big))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("longer than 1048576 characters");
        assertThatThrownBy(() -> eval("replace('abc', '', 'x')"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("must not be empty");
    }

    @Test
    void renderedTextOverOneMebibyteFailsNamingTheExpression() {
        Map<String, Object> big = new LinkedHashMap<>(scope);
        big.put("text", "a".repeat(600_000));
        assertThat(Template.render("{{ text }}", big, expressions)).isSameAs(big.get("text"));
        assertThat((String) Template.render("<{{ text }}>", big, expressions)).hasSize(600_002);
        assertThatThrownBy(() -> Template.render("{{ text }} and {{ text + '!' }}", big, expressions))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.expression()).isEqualTo("text + '!'");
                    assertThat(e.reason()).contains("longer than 1048576 characters");
                });
    }

    @Test
    void syntaxErrorFailsWithAReadableReason() {
        assertThatThrownBy(() -> eval("params.limit >"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.expression()).isEqualTo("params.limit >");
                    assertThat(e.reason()).contains("parsing error").doesNotContain("@1");
                });
    }

    @Test
    void unknownFunctionFails() {
        assertThatThrownBy(() -> eval("shout(params.date)"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("shout");
    }

    @Test
    void variablesListsThePathsAnExpressionReads() {
        assertThat(expressions.variables("size(steps.orders.output) > 0 && !params.flag"))
                .containsExactly(List.of("steps", "orders", "output"), List.of("params", "flag"));
        assertThat(expressions.variables("steps['orders'].output.body.items[0].id").iterator().next())
                .startsWith("steps", "orders", "output", "body", "items");
    }
}
