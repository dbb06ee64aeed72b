package io.caravan.job.expression;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;
import org.apache.commons.jexl3.introspection.JexlSandbox;

/**
 * Evaluates the {@code expr} of {@code {{ expr }}} with Apache Commons JEXL, sandboxed:
 * expressions read the execution context and call {@link Functions}, and nothing else —
 * no {@code new}, no loops, no assignments, no class or reflection access.
 * Thread-safe; one instance serves the whole process (JEXL caches parsed expressions).
 */
public final class Expressions {

    private static final Pattern JEXL_LOCATION = Pattern.compile("^\\S*@\\d+(:\\d+)?(![\\d:]+)?\\s*");

    private final JexlEngine jexl;

    public Expressions() {
        Map<String, Object> functions = new HashMap<>();
        functions.put(null, Functions.class);
        this.jexl = new JexlBuilder()
                .features(features())
                // RESTRICTED allows only java.* packages: Functions must be named or no function resolves
                .permissions(new JexlPermissions.ClassPermissions(Functions.class))
                .sandbox(sandbox())
                .namespaces(functions)
                .strict(true)
                .safe(true)
                .silent(false)
                .cache(1024)
                .create();
    }

    /** The syntax an expression may use: reading and computing only. */
    private static JexlFeatures features() {
        return new JexlFeatures()
                .newInstance(false)
                .loops(false)
                .localVar(false)
                .sideEffect(false)
                .sideEffectGlobal(false)
                .lambda(false)
                .thinArrow(false)
                .fatArrow(false)
                .annotation(false)
                .pragma(false)
                .importPragma(false)
                .namespacePragma(false)
                .namespaceIdentifier(false)
                .script(false)
                .register(false);
    }

    /**
     * Only the value types a JSON context holds (and our functions) may be touched: every other
     * class is blocked. Permissions are inherited, so {@code java.util.Map} covers every map.
     * Even on those types, the ways out to the class and the monitor are blocked. Maps, lists and
     * entries are the live execution context, so on them only reading methods may be called.
     */
    private static JexlSandbox sandbox() {
        JexlSandbox sandbox = new JexlSandbox(false, true);
        for (Class<?> type : List.of(String.class, CharSequence.class, Number.class, Boolean.class, Functions.class)) {
            sandbox.block(type.getName())
                    .execute("getClass", "wait", "notify", "notifyAll", "hashCode")
                    .read("class");
        }
        // one expression must not be able to fill the heap: 'a'.repeat(2000000000)
        sandbox.get(String.class.getName()).execute().add("repeat");
        readOnly(sandbox, Map.class, "get", "getOrDefault", "containsKey", "containsValue", "isEmpty", "size",
                "keySet", "values", "entrySet");
        readOnly(sandbox, List.class, "get", "size", "isEmpty", "contains", "containsAll", "indexOf", "lastIndexOf",
                "subList");
        readOnly(sandbox, java.util.Collection.class, "size", "isEmpty", "contains", "containsAll");
        readOnly(sandbox, Map.Entry.class, "getKey", "getValue");
        return sandbox;
    }

    /** Allows only the given methods (and equals, toString) on a type and its subtypes; no write. */
    private static void readOnly(JexlSandbox sandbox, Class<?> type, String... methods) {
        sandbox.permissions(type.getName(), true, false, false, true)
                .execute(methods)
                .execute("equals", "toString")
                .read("class");
    }

    /**
     * Evaluates one expression against a scope of named values.
     *
     * @throws ExpressionException when it cannot be parsed or evaluated
     */
    public Object evaluate(String expression, Map<String, Object> scope) {
        JexlExpression parsed = parse(expression);
        try {
            return parsed.evaluate(new MapContext(scope));
        } catch (JexlException e) {
            throw new ExpressionException(expression, describe(e), e);
        } catch (RuntimeException e) {
            throw new ExpressionException(expression, String.valueOf(e.getMessage()), e);
        }
    }

    /** Parses an expression, failing with a readable reason when it is not valid. */
    public JexlExpression parse(String expression) {
        try {
            return jexl.createExpression(expression.strip());
        } catch (JexlException e) {
            throw new ExpressionException(expression, describe(e), e);
        }
    }

    /**
     * The variable paths an expression reads, e.g. {@code [steps, orders, output]}; used to
     * check references before anything runs.
     */
    public Set<List<String>> variables(String expression) {
        Set<List<String>> paths = new LinkedHashSet<>();
        for (List<String> path : script(expression).getVariables()) {
            paths.add(new ArrayList<>(path));
        }
        return paths;
    }

    private org.apache.commons.jexl3.JexlScript script(String expression) {
        try {
            return jexl.createScript(expression.strip());
        } catch (JexlException e) {
            throw new ExpressionException(expression, describe(e), e);
        }
    }

    private static String describe(JexlException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = JEXL_LOCATION.matcher(message).replaceFirst("");
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
