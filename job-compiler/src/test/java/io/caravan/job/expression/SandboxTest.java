package io.caravan.job.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Expressions read the context and call {@link Functions}; every way out must be refused. */
class SandboxTest {

    private final Expressions expressions = new Expressions();
    private final Map<String, Object> scope = scope();

    private static Map<String, Object> scope() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("limit", 1000);
        params.put("tags", new ArrayList<>(List.of("finance", "daily")));
        Map<String, Object> orders = new LinkedHashMap<>();
        orders.put("status", "SUCCESS");
        Map<String, Object> steps = new LinkedHashMap<>();
        steps.put("orders", orders);
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("params", params);
        scope.put("steps", steps);
        return scope;
    }

    /** Syntax and names that must fail outright. */
    @ParameterizedTest
    @ValueSource(strings = {
        "''.class",
        "''.class.forName('java.lang.Runtime')",
        "''.class.name",
        "params.class",
        "params.limit.class",
        "params['class']",
        "new('java.lang.ProcessBuilder', 'id')",
        "new('java.io.File', '/etc/passwd')",
        "x = 1",
        "params.limit = 1",
        "params['limit'] = 1",
        "params.limit += 1",
        "var a = 1",
        "let a = 1",
        "for (i : [1,2]) {}",
        "while (true) {}",
        "function(x) { x }",
        "x -> x",
        "(x) => x",
        "#pragma jexl.namespace.rt java.lang.Runtime",
        "#pragma jexl.import java.lang",
        "@synchronized(params) { 1 }",
        "java:lang()",
        "math:abs(-1)",
        "forName('java.lang.Runtime')",
        "getClassLoader()",
        "getDeclaredMethods()",
        "a = 1; b = 2",
    })
    void refusesOutright(String expression) {
        assertThatThrownBy(() -> expressions.evaluate(expression, scope))
                .isInstanceOfSatisfying(ExpressionException.class,
                        e -> assertThat(e.expression()).isEqualTo(expression));
    }

    /** Calls that must not reach a Class, Runtime, Process or monitor: refused or null. */
    @ParameterizedTest
    @ValueSource(strings = {
        "''.getClass()",
        "''.getClass().getName()",
        "''.getClass().forName('java.lang.Runtime')",
        "params.getClass()",
        "params.limit.getClass()",
        "params.tags.getClass().getClassLoader()",
        "upper('x').getClass()",
        "java.lang.Runtime.getRuntime()",
        "java.lang.Runtime.getRuntime().exec('id')",
        "Runtime.getRuntime().exec('id')",
        "java.lang.System.exit(1)",
        "java.lang.System.getenv()",
        "steps.wait()",
        "steps.notify()",
        "params.hashCode()",
        "'abc'.describeConstable().get()",
        "'abc'.chars().iterator()",
        "'a,b'.split(',').getClass()",
        "(1..3).getClass()",
        "'a'.repeat(2000000000)",
        "2H.pow(100000000)",
        "1H.shiftLeft(2000000000)",
        "1E999999999B.toPlainString()",
        "params.limit.byteValue()",
        "(1..2000000000).containsAll(1..2000000000)",
        "params.tags.containsAll(params.tags)",
        "params.toString()",
        "params.tags.toString()",
        "params.tags.stream()",
        "params.entrySet().iterator()",
        "toString()",
    })
    void yieldsNothing(String expression) {
        Object result;
        try {
            result = expressions.evaluate(expression, scope);
        } catch (ExpressionException refused) {
            return;
        }
        assertThat(result).as(expression).isNull();
    }

    /** The context's maps and lists are the live execution: expressions read them, never change them. */
    @ParameterizedTest
    @ValueSource(strings = {
        "params.put('limit', 1)",
        "params.putAll({'x': 1})",
        "params.remove('limit')",
        "params.clear()",
        "steps.clear()",
        "steps.orders.put('status', 'FAILED')",
        "params.tags.add('x')",
        "params.tags.set(0, 'x')",
        "params.tags.remove(0)",
        "params.tags.clear()",
        "params.tags.removeAll(['finance'])",
        "params.keySet().clear()",
        "params.values().clear()",
        "params.keySet().remove('limit')",
        "params.entrySet().iterator().next().setValue(1)",
    })
    void cannotChangeTheContext(String expression) {
        Map<String, Object> before = scope();
        try {
            expressions.evaluate(expression, scope);
        } catch (ExpressionException refused) {
            // refusing is fine too
        }
        assertThat(scope).as(expression).isEqualTo(before);
    }

    /** Text methods are an allow-list: those that can build huge text are not there (even called small). */
    @ParameterizedTest
    @ValueSource(strings = {
        "'%05d'.formatted(1)",
        "'%0300000000d'.formatted(1)",
        "'a'.indent(4)",
        "'a'.repeat(3)",
        "'aa'.replace('a', 'bb')",
        "'aa'.replaceAll('a', 'bb')",
        "'aa'.replaceFirst('a', 'bb')",
        "'a'.matches('a')",
        "'a\\\\n'.translateEscapes()",
        "'a'.intern()",
        "'abc'.getBytes()",
        "'abc'.bytes",
        "'abc'.lines()",
        "'abc'.codePoints()",
        "'abc'.toCharArray()",
        "'a,b'.split(',')",
        "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.split('(.*a){25}b')",
        "'a'.concat('b')",
    })
    void textMethodsOutsideTheAllowListYieldNothing(String expression) {
        yieldsNothing(expression);
    }

    @Test
    void allowedTextMethodsWork() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("' a '.length()", 3);
        expected.put("''.isEmpty()", true);
        expected.put("' '.isBlank()", true);
        expected.put("' a '.trim()", "a");
        expected.put("' a '.strip()", "a");
        expected.put("' a'.stripLeading()", "a");
        expected.put("'a '.stripTrailing()", "a");
        expected.put("'a'.toUpperCase()", "A");
        expected.put("'A'.toLowerCase()", "a");
        expected.put("'abc'.substring(1)", "bc");
        expected.put("'abc'.substring(1, 2)", "b");
        expected.put("'abc'.startsWith('ab')", true);
        expected.put("'abc'.endsWith('bc')", true);
        expected.put("'abc'.contains('b')", true);
        expected.put("'abcb'.indexOf('b')", 1);
        expected.put("'abcb'.lastIndexOf('b')", 3);
        expected.put("'abc'.charAt(1)", 'b');
        expected.put("'abc'.equals('abc')", true);
        expected.put("'abc'.equalsIgnoreCase('ABC')", true);
        expected.put("'abc'.compareTo('abd')", -1);
        expected.put("'a'.toString()", "a");
        expected.forEach((expression, value) ->
                assertThat(expressions.evaluate(expression, scope)).as(expression).isEqualTo(value));
    }

    @Test
    void numbersKeepTheirReadingMethods() {
        assertThat(expressions.evaluate("params.limit.intValue()", scope)).isEqualTo(1000);
        assertThat(expressions.evaluate("params.limit.toString()", scope)).isEqualTo("1000");
        assertThat(expressions.evaluate("params.limit.compareTo(999)", scope)).isEqualTo(1);
    }

    @Test
    void readingMethodsOfMapsAndListsStillWork() {
        assertThat(expressions.evaluate("params.get('limit')", scope)).isEqualTo(1000);
        assertThat(expressions.evaluate("params.containsKey('tags')", scope)).isEqualTo(true);
        assertThat(expressions.evaluate("params.keySet().contains('limit')", scope)).isEqualTo(true);
        assertThat(expressions.evaluate("params.tags.contains('daily')", scope)).isEqualTo(true);
        assertThat(expressions.evaluate("params.tags.indexOf('daily')", scope)).isEqualTo(1);
        assertThat(expressions.evaluate("params.tags.get(0)", scope)).isEqualTo("finance");
        assertThat(expressions.evaluate("params.tags.isEmpty()", scope)).isEqualTo(false);
        assertThat(expressions.evaluate("'daily' =~ params.tags", scope)).isEqualTo(true);
    }
}
