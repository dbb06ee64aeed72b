package io.caravan.job.expression;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.introspection.JexlPermissions;
import org.apache.commons.jexl3.introspection.JexlSandbox;

/**
 * Evaluates the {@code expr} of {@code {{ expr }}} with Apache Commons JEXL, sandboxed:
 * expressions read the execution context and call {@link Functions}, and nothing else —
 * no {@code new}, no loops, no assignments, no class or reflection access.
 * <p>
 * A top-level name that is not in the scope ({@code secrets.token}, {@code row.id}) fails the
 * evaluation; below the top level navigation is safe, so {@code params.x ?: 'none'} works when
 * {@code x} is absent.
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
        for (Class<?> type : List.of(Number.class, Boolean.class, Functions.class)) {
            sandbox.block(type.getName())
                    .execute("getClass", "wait", "notify", "notifyAll", "hashCode")
                    .read("class");
        }
        // an allow-list, because one String method call must not be able to fill the heap
        // ('a'.repeat(n), '%0300000000d'.formatted(1), indent(n)); Functions.replace is the capped replace.
        // Flags: inherited, then whether the read, write and execute lists allow (true) or block (false);
        // a block list left empty blocks everything: no property reads ('abc'.bytes), no writes
        sandbox.permissions(String.class.getName(), true, false, false, true)
                .execute("length", "isEmpty", "isBlank", "trim", "strip", "stripLeading", "stripTrailing",
                        "toUpperCase", "toLowerCase", "substring", "startsWith", "endsWith", "contains", "indexOf",
                        "lastIndexOf", "charAt", "equals", "equalsIgnoreCase", "compareTo", "split", "concat",
                        "toString");
        sandbox.permissions(CharSequence.class.getName(), true, false, false, true)
                .execute("length", "isEmpty", "charAt", "toString");
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
     * @throws ExpressionException when it cannot be parsed or evaluated, or reads a top-level
     *     name that the scope does not hold
     */
    public Object evaluate(String expression, Map<String, Object> scope) {
        JexlExpression parsed = parse(expression);
        try {
            return parsed.evaluate(new ScopeContext(scope));
        } catch (RuntimeException e) {
            UnknownName unknown = find(e, UnknownName.class);
            if (unknown != null) {
                throw new ExpressionException(expression, unknown.getMessage(), null);
            }
            throw new ExpressionException(expression, e instanceof JexlException j ? describe(j)
                    : String.valueOf(e.getMessage()), e);
        }
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * The scope as JEXL sees it. JEXL with {@code safe(true)} turns an absent top-level name
     * that is dereferenced ({@code secrets.token}) into null, which would render as "" and let
     * e.g. an empty bearer token through; so reading a name the scope lacks throws instead.
     */
    private static final class ScopeContext implements JexlContext {
        private final Map<String, Object> scope;

        ScopeContext(Map<String, Object> scope) {
            this.scope = scope;
        }

        @Override
        public Object get(String name) {
            // JEXL also asks for dotted "antish" names (item.id when item is null): they share the root's fate
            int dot = name.indexOf('.');
            String root = dot < 0 ? name : name.substring(0, dot);
            if (!scope.containsKey(root)) {
                throw new UnknownName(root);
            }
            return dot < 0 ? scope.get(name) : null;
        }

        @Override
        public boolean has(String name) {
            return scope.containsKey(name); // JEXL asks this before treating a function name as a variable
        }

        @Override
        public void set(String name, Object value) {
            throw new UnsupportedOperationException("expressions cannot assign"); // also refused by the features
        }
    }

    /** A top-level name that the scope does not hold; unchecked so it passes through JEXL. */
    private static final class UnknownName extends RuntimeException {
        UnknownName(String name) {
            super(name.equals("connections") ? "no connections were given to this execution"
                    : name.equals("secrets") ? "no secrets were given to this execution; an execution is given the secrets"
                            + " its job names, written out as secrets.<name>"
                    : "variable '" + name + "' is undefined", null, false, false);
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
        message = newline < 0 ? message : message.substring(0, newline);
        Throwable thrown = e;
        while (thrown.getCause() != null) {
            thrown = thrown.getCause();
        }
        if (!(thrown instanceof JexlException) && thrown.getMessage() != null) {
            // a function or method threw (e.g. replace refusing a huge result); JEXL's message drops why
            return message.replaceFirst("^JEXL error : ", "call to ") + " failed: " + thrown.getMessage();
        }
        return message;
    }
}
