package io.caravan.job.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.expression.ExpressionException;
import io.caravan.job.expression.Expressions;
import io.caravan.job.expression.Template;
import io.caravan.job.step.StepException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders 10,000 generated expressions through the {@link Renderer} steps use: grammar pieces
 * (literals, context paths, operators, allowed and forbidden methods, constructors, lambdas,
 * loops, ranges, regexes, nested templates) combined by a seeded generator. Each one yields a
 * value or fails as an expression, in bounded time, never returns a class or reflective object
 * or text over the limit, never touches a file or reads the environment or the context's owner.
 */
class ExpressionFuzzTest {

    private static final long SEED = 20_261_121L;
    private static final int EXPRESSIONS = 10_000;
    private static final Duration LIMIT = Duration.ofMillis(50);
    /** What the test allows one rendering, far above the limit: time spent beyond it is a hang. */
    private static final Duration HANG = Duration.ofSeconds(5);
    private static final String FILE_SECRET = "file-secret-7f3a";
    private static final String PROPERTY_SECRET = "property-secret-91c2";

    @TempDir
    Path dir;

    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    @Test
    void everyExpressionYieldsABoundedValueOrFailsAsAnExpression() throws Exception {
        Path marker = Files.writeString(dir.resolve("marker.txt"), FILE_SECRET);
        System.setProperty("caravan.fuzz.secret", PROPERTY_SECRET);
        Map<String, Object> scope = scope(marker);
        Object before = new ObjectMapper().writeValueAsString(scope);
        Renderer renderer = new Renderer(new Expressions(LIMIT), new ObjectMapper());
        Generator generator = new Generator(new Random(SEED), marker);
        Map<String, Integer> counts = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Duration slowest = Duration.ZERO;
        for (int i = 0; i < EXPRESSIONS; i++) {
            String text = generator.template();
            long start = System.nanoTime();
            Future<Object> rendering = worker.submit(() -> outcome(renderer, text, scope));
            Object outcome;
            try {
                outcome = rendering.get(HANG.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException hung) {
                problems.add("hung: " + text);
                break; // the worker is stuck; nothing after this would run
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            slowest = took.compareTo(slowest) > 0 ? took : slowest;
            String category = check(text, outcome, problems);
            counts.merge(category, 1, Integer::sum);
        }
        report(counts, slowest);
        assertThat(problems).as("expressions that broke the sandbox").isEmpty();
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(EXPRESSIONS);
        assertThat(new ObjectMapper().writeValueAsString(scope)).as("the context is unchanged").isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).as("no file created").containsExactly(marker);
        }
        assertThat(Files.readString(marker)).isEqualTo(FILE_SECRET);
        assertThat(slowest).as("slowest rendering").isLessThan(LIMIT.multipliedBy(20));
    }

    private static Object outcome(Renderer renderer, String text, Map<String, Object> scope) {
        try {
            return new Rendered(renderer.renderText(text, scope, "fuzz", "field"));
        } catch (Throwable e) {
            return e; // judged by check: only a StepException over an ExpressionException is fine
        }
    }

    private record Rendered(Object value) {
    }

    /** The outcome's category for the counts; a problem is noted when the outcome breaks a rule. */
    private static String check(String text, Object outcome, List<String> problems) {
        if (outcome instanceof Rendered rendered) {
            String wrong = wrongValue(rendered.value(), 0);
            if (wrong != null) {
                problems.add(wrong + ": " + text);
            }
            return rendered.value() == null ? "value: null" : "value";
        }
        if (outcome instanceof StepException step && step.getCause() instanceof ExpressionException e
                && step.type().equals("expression")) {
            return "refused: " + category(e.reason());
        }
        problems.add("threw " + outcome + ": " + text);
        return "other exception";
    }

    /** Why a value may not leave the sandbox, or null when it may. */
    private static String wrongValue(Object value, int depth) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof Character) {
            return null;
        }
        if (value instanceof String text) {
            return text.length() > Template.MAX_TEXT_LENGTH ? "text over the limit"
                    : text.contains(FILE_SECRET) || text.contains(PROPERTY_SECRET) ? "a secret of the host" : null;
        }
        if (value instanceof Map<?, ?> map) {
            return depth > 50 ? null : wrongValue(new ArrayList<>(map.values()), depth);
        }
        if (value instanceof Collection<?> values) {
            if (values.size() > Expressions.MAX_ITEMS) {
                return "a collection of " + values.size();
            }
            for (Object element : values) {
                String wrong = depth > 50 ? null : wrongValue(element, depth + 1);
                if (wrong != null) {
                    return wrong;
                }
            }
            return null;
        }
        return "a " + value.getClass().getName(); // a class, method, file, thread... or any other Java object
    }

    private static String category(String reason) {
        if (reason.startsWith("took longer than")) {
            return "time limit";
        }
        if (reason.contains("longer than " + Template.MAX_TEXT_LENGTH) || reason.contains("elements; a range")) {
            return "size limit";
        }
        if (reason.contains("nested too deeply")) {
            return "nesting";
        }
        if (reason.contains("unsolvable function/method") || reason.contains("undefined property")
                || reason.contains("no such function namespace")) {
            return "method, function or property not allowed";
        }
        if (reason.contains("is undefined")) {
            return "unknown name";
        }
        if (reason.contains("error") && (reason.contains("pars") || reason.contains("feature")
                || reason.contains("assign") || reason.contains("ambiguous"))) {
            return "syntax or feature not allowed";
        }
        if (reason.contains("null operand") || reason.contains("coercion") || reason.contains("For input string")
                || reason.contains("negate") || reason.contains("embedded sign")) {
            return "operator on a value it does not apply to";
        }
        return "failed while evaluating (a function or method threw)";
    }

    private static void report(Map<String, Integer> counts, Duration slowest) {
        StringBuilder out = new StringBuilder("expression fuzz, seed " + SEED + ": " + EXPRESSIONS + " tried\n");
        counts.forEach((category, n) -> out.append(String.format("  %-55s %6d%n", category, n)));
        out.append("  slowest rendering ").append(slowest.toMillis()).append(" ms (time limit ")
                .append(LIMIT.toMillis()).append(" ms)");
        System.out.println(out);
    }

    private static Map<String, Object> scope(Path marker) {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i);
            row.put("name", "row " + i);
            row.put("tags", new ArrayList<>(List.of("a", "b" + i)));
            rows.add(row);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("limit", 1000);
        params.put("price", new java.math.BigDecimal("12.50"));
        params.put("name", " Ada ");
        params.put("path", marker.toString());
        params.put("tags", new ArrayList<>(List.of("finance", "daily")));
        params.put("big", "a".repeat(200_000) + "!");
        params.put("nothing", null);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("rows", rows);
        output.put("rowCount", rows.size());
        Map<String, Object> orders = new LinkedHashMap<>();
        orders.put("status", "SUCCESS");
        orders.put("output", output);
        Map<String, Object> steps = new LinkedHashMap<>();
        steps.put("orders", orders);
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("params", params);
        scope.put("steps", steps);
        scope.put("trigger", new LinkedHashMap<>(Map.of("scheduled_at", "2026-11-21T06:00:00Z")));
        return scope;
    }

    /** Random expressions from grammar pieces; the same seed gives the same expressions. */
    private static final class Generator {
        private static final String[] PATHS = {
            "params.limit", "params.price", "params.name", "params.path", "params.tags", "params.tags[0]",
            "params.big", "params.nothing", "params.absent", "params", "steps.orders.status",
            "steps.orders.output.rows", "steps.orders.output.rows[3].name", "steps.orders.output.rows[7].tags",
            "steps.orders.output.rowCount", "steps", "trigger.scheduled_at", "unknown", "secrets.token",
        };
        private static final String[] LITERALS = {
            "0", "1", "-7", "3.5", "2147483647", "9223372036854775807", "1E999999999B", "2H", "1.50B",
            "true", "false", "null", "''", "'a'", "'a,b,c'", "'{{ params.limit }}'", "'aaaaaaaaaaaaaaaaaaaaaaaa!'",
            "\"java.lang.Runtime\"", "[1, 2, 3]", "[]", "{'a': 1}", "{1, 2}", "`${params.limit}`",
        };
        private static final String[] BINARY = {
            "+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", "?:", "??", "=~", "!~", "=^", "=$", "..",
            "&", "|", "^", "<<", ">>",
        };
        private static final String[] ALLOWED_METHODS = {
            "trim()", "strip()", "toUpperCase()", "toLowerCase()", "length()", "isEmpty()", "substring(1)",
            "substring(0, 2)", "startsWith('a')", "contains('a')", "indexOf('a')", "charAt(0)", "size()",
            "get(0)", "get('a')", "containsKey('limit')", "keySet()", "values()", "entrySet()", "subList(0, 1)",
            "intValue()", "compareTo(1)", "equals('a')", "toString()", "getOrDefault('x', 1)",
        };
        private static final String[] FORBIDDEN_METHODS = {
            "getClass()", "class", "getClass().forName('java.lang.Runtime')", "getClass().getClassLoader()",
            "getClass().getDeclaredMethods()", "getClass().getMethod('exec', ''.class)", "pow(99999999)",
            "shiftLeft(2000000000)", "toPlainString()", "repeat(100000000)", "split('(a+)+b')", "concat('x')",
            "formatted(1)", "replaceAll('a', 'bb')", "matches('(a|a)*b')", "wait()", "notify()", "hashCode()",
            "put('limit', 1)", "add('x')", "clear()", "remove(0)", "containsAll(1..2000000000)", "iterator()",
            "stream()", "toArray()", "getBytes()", "intern()", "exec('touch x')", "describeConstable().get()",
        };
        private static final String[] FUNCTIONS = {
            "json(%s)", "join(%s, ',')", "upper(%s)", "lower(%s)", "trim(%s)", "size(%s)", "empty(%s)",
            "keys(%s)", "split(%s, ',')", "replace(%s, 'a', 'aa')", "jsonpath(%s, '$..*')",
            "jsonpath(%s, '$..[?(@ == $..*)]')", "jsonpath(%s, '$[?(@ =~ /(a+)+b/)]')", "date(%s, 'yyyy-MM-dd')",
            "json(json(json(json(json(json(json(json(json(json(json(json(%s))))))))))))",
        };
        private static final String[] ESCAPES = {
            "new('java.io.File', params.path)", "new('java.io.FileWriter', params.path + '.created')",
            "new('java.lang.ProcessBuilder', 'touch', params.path + '.created').start()",
            "new java.io.File(params.path)", "java.lang.Runtime.getRuntime().exec('touch x')",
            "Runtime.getRuntime()", "java.lang.System.getProperty('caravan.fuzz.secret')",
            "java.lang.System.getenv()", "System.getenv('PATH')", "java.lang.Thread.sleep(10000)",
            "java.nio.file.Files.readString(java.nio.file.Path.of(params.path))", "''.class.forName('java.lang.System')",
            "math:abs(-1)", "java:lang()", "forName('java.lang.Runtime')", "getClassLoader()", "toString()",
            "x -> x", "(x) => x", "function(x) { x }", "var f = function(n) { f(n) }; f(1)", "let a = 1",
            "while (true) {}", "for (i : 1..2000000000) {}", "#pragma jexl.import java.io", "@silent 1",
            "@synchronized(params) { 1 }", "params.limit = 1", "params.limit++", "x = 1; x",
            "params['class']", "params.tags.class", "steps.orders.output.rows[0].tags.getClass()",
        };

        private final Random random;
        private final String path;

        Generator(Random random, Path marker) {
            this.random = random;
            this.path = marker.toString().replace("\\", "\\\\").replace("'", "\\'");
        }

        /** A field value: mostly one whole placeholder, sometimes text around several. */
        String template() {
            return switch (random.nextInt(10)) {
                case 0, 1 -> "at {{ " + expression(3) + " }} and {{ " + expression(2) + " }}.";
                case 2 -> "{{ " + expression(2) + " }}{{ " + expression(2) + " }}";
                case 3 -> "{{ '{{ " + expression(1) + " }}' }}";
                default -> "{{ " + expression(3) + " }}";
            };
        }

        private String expression(int depth) {
            int roll = random.nextInt(depth <= 0 ? 3 : 16);
            return switch (roll) {
                case 0 -> pick(PATHS);
                case 1 -> pick(LITERALS);
                case 2 -> "'" + path + "'";
                case 3, 4 -> expression(depth - 1) + " " + pick(BINARY) + " " + expression(depth - 1);
                case 5, 6 -> "(" + expression(depth - 1) + ")." + pick(ALLOWED_METHODS);
                case 7 -> "(" + expression(depth - 1) + ")." + pick(FORBIDDEN_METHODS);
                case 8, 9 -> String.format(pick(FUNCTIONS), expression(depth - 1));
                case 10 -> pick(ESCAPES);
                case 11 -> range();
                case 12 -> regex();
                case 13 -> "!" + expression(depth - 1) + " ? " + expression(depth - 1) + " : " + expression(depth - 1);
                case 14 -> nested(depth);
                default -> expression(depth - 1) + "[" + expression(depth - 1) + "]";
            };
        }

        private String range() {
            String[] ends = {"3", "100", "100000", "100001", "2000000000", "9223372036854775807", "params.limit"};
            return "(" + pick(new String[] {"0", "1", "-5"}) + ".." + pick(ends) + ")";
        }

        /** Mostly harmless patterns; now and then one that backtracks for hours. */
        private String regex() {
            String subject = pick(new String[] {"params.big", "params.name", "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'"});
            String pattern = random.nextInt(4) == 0
                    ? pick(new String[] {"(.*a){25}b", "(a|aa)+b", "(a+)+$", "^(a*)*$"})
                    : pick(new String[] {"a.*", "[a-z ]+", "\\\\d+", "row [0-9]+"});
            return subject + pick(new String[] {" =~ ", " !~ "}) + "'" + pattern + "'";
        }

        /** Brackets or operators inside each other, sometimes deeper than a stack holds. */
        private String nested(int depth) {
            int levels = random.nextInt(8) == 0 ? 5_000 + random.nextInt(20_000) : 1 + random.nextInt(20);
            String open = pick(new String[] {"(", "[", "!", "-", "size("});
            String close = switch (open) {
                case "(", "size(" -> ")";
                case "[" -> "]";
                default -> "";
            };
            return open.repeat(levels) + expression(depth - 1) + close.repeat(levels);
        }

        private String pick(String[] choices) {
            return choices[random.nextInt(choices.length)];
        }
    }
}
