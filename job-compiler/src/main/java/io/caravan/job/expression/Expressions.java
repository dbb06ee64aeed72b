package io.caravan.job.expression;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
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
 * Bounded: an evaluation takes at most its time limit (one second unless given), text it builds
 * is at most {@value Template#MAX_TEXT_LENGTH} characters, a range or array it yields at most
 * {@value #MAX_ITEMS} elements, and an expression nested too deeply for the stack is refused.
 * The ways each bound is kept are in {@code SandboxArithmetic}, {@code TextLimit} and
 * {@code Deadline}; what is allowed is the allow-list in {@link #sandbox()}.
 * <p>
 * A top-level name that is not in the scope ({@code secrets.token}, {@code row.id}) fails the
 * evaluation; below the top level navigation is safe, so {@code params.x ?: 'none'} works when
 * {@code x} is absent.
 * Thread-safe; one instance serves the whole process (JEXL caches parsed expressions).
 */
public final class Expressions {

    /** The most elements a range or array yielded by an expression may hold. */
    public static final int MAX_ITEMS = 100_000;
    /** How long one evaluation may take unless the constructor is told otherwise. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(1);

    private static final Pattern JEXL_LOCATION = Pattern.compile("^\\S*@\\d+(:\\d+)?(![\\d:]+)?\\s*");

    private static final String TOO_DEEP = "is nested too deeply (brackets, operators or calls inside each other)";

    private final JexlEngine jexl;
    private final Duration timeLimit;

    /** Expressions with the {@linkplain #DEFAULT_TIME_LIMIT default time limit}. */
    public Expressions() {
        this(DEFAULT_TIME_LIMIT);
    }

    /** Expressions whose evaluation may take at most {@code timeLimit} each. */
    public Expressions(Duration timeLimit) {
        this.timeLimit = timeLimit;
        Map<String, Object> functions = new HashMap<>();
        functions.put(null, Functions.class);
        this.jexl = new JexlBuilder()
                .arithmetic(new SandboxArithmetic(true, null, Integer.MIN_VALUE))
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
     * On each type only listed methods may be called, and no property is read but map keys:
     * no way to a class, a monitor, or a method that grows its result without bound
     * ({@code 2H.pow(n)}, {@code 1E999999999B.toPlainString()}, {@code 'a'.repeat(n)}) or runs a
     * regular expression outside the time limit ({@code 'x'.split(regex)}). Maps, lists and
     * entries are the live execution context, so on them only reading methods may be called.
     */
    private static JexlSandbox sandbox() {
        JexlSandbox sandbox = new JexlSandbox(false, true);
        sandbox.block(Functions.class.getName())
                .execute("getClass", "wait", "notify", "notifyAll", "hashCode", "toString")
                .read("class");
        allowOnly(sandbox, Number.class, "intValue", "longValue", "doubleValue", "compareTo");
        allowOnly(sandbox, Boolean.class, "booleanValue", "compareTo");
        // Functions.replace and Functions.split are the bounded, literal replace and split
        allowOnly(sandbox, String.class, "length", "isEmpty", "isBlank", "trim", "strip", "stripLeading",
                "stripTrailing", "toUpperCase", "toLowerCase", "substring", "startsWith", "endsWith", "contains",
                "indexOf", "lastIndexOf", "charAt", "equalsIgnoreCase", "compareTo");
        allowOnly(sandbox, CharSequence.class, "length", "isEmpty", "charAt");
        allowOnly(sandbox, Map.class, "get", "getOrDefault", "containsKey", "containsValue", "isEmpty", "size",
                "keySet", "values", "entrySet");
        // no containsAll: on two lists it compares every element with every other, outside the time limit
        allowOnly(sandbox, List.class, "get", "size", "isEmpty", "contains", "indexOf", "lastIndexOf", "subList");
        allowOnly(sandbox, java.util.Collection.class, "size", "isEmpty", "contains");
        allowOnly(sandbox, Map.Entry.class, "getKey", "getValue");
        return sandbox;
    }

    /**
     * Allows only the given methods (and equals, toString) on a type and its subtypes; no property
     * write, and no property read but the keys and indexes of maps and lists. Flags: inherited, then whether the read, write and execute lists allow (true)
     * or block (false); a block list left empty blocks everything. A collection's toString is
     * not Java's: text of a list or map is JSON, bounded, through {@code +} and {@code json()}.
     */
    private static void allowOnly(JexlSandbox sandbox, Class<?> type, String... methods) {
        boolean container = Map.class.equals(type) || java.util.Collection.class.isAssignableFrom(type);
        JexlSandbox.Permissions permissions = sandbox.permissions(type.getName(), true, false, false, true)
                .execute(methods)
                .execute(container ? new String[] {"equals"} : new String[] {"equals", "toString"});
        if (container) {
            permissions.read("class"); // the block list is no longer empty: keys and indexes may be read
        }
    }

    /**
     * Evaluates one expression against a scope of named values.
     *
     * @throws ExpressionException when it cannot be parsed or evaluated, or reads a top-level
     *     name that the scope does not hold
     */
    public Object evaluate(String expression, Map<String, Object> scope) {
        return guarded(expression, scope, value -> value);
    }

    /**
     * Evaluates one expression and writes its value as text, as a placeholder inside other text
     * reads: null is empty, lists and maps are JSON.
     *
     * @throws ExpressionException as {@link #evaluate} does, or when the text is too long
     */
    public String evaluateToText(String expression, Map<String, Object> scope) {
        return guarded(expression, scope, Texts::of);
    }

    private <T> T guarded(String expression, Map<String, Object> scope, Function<Object, T> then) {
        JexlExpression parsed = parse(expression);
        try {
            return Deadline.within(timeLimit, () -> {
                Object value = parsed.evaluate(new ScopeContext(scope));
                Deadline.check(); // JEXL may have swallowed the deadline's exception (size() of a call that ran out)
                return then.apply(result(value));
            });
        } catch (StackOverflowError e) {
            throw new ExpressionException(expression, TOO_DEEP, null);
        } catch (RuntimeException e) {
            RuntimeException bound = find(e, UnknownName.class, Deadline.Exceeded.class, TextLimit.TooLong.class,
                    TooMany.class);
            if (bound != null) {
                throw new ExpressionException(expression, bound.getMessage(), null);
            }
            throw new ExpressionException(expression, e instanceof JexlException j ? describe(j)
                    : String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * JEXL's ranges, arrays and sets become lists, also inside lists and maps ({@code [[1], 1..3]}),
     * so steps only ever see JSON types; a range is lazy, so its size is checked before it is
     * laid out ({@code 1..2000000000} must not fill the heap). Lists and maps of the context come
     * back as they are unless something inside them had to change.
     */
    private static Object result(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> changed = null;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object element = result(entry.getValue());
                if (element != entry.getValue()) {
                    changed = changed == null ? new LinkedHashMap<>(map) : changed;
                    changed.put(entry.getKey(), element);
                }
            }
            return changed == null ? map : changed;
        }
        if (value instanceof List<?> list) {
            List<Object> changed = null;
            for (int i = 0; i < list.size(); i++) {
                Object element = result(list.get(i));
                if (element != list.get(i)) {
                    changed = changed == null ? new ArrayList<>(list) : changed;
                    changed.set(i, element);
                }
            }
            return changed == null ? list : changed;
        }
        if (value instanceof java.util.Collection<?> || value != null && value.getClass().isArray()) {
            return result(laidOut(value));
        }
        return value;
    }

    private static List<Object> laidOut(Object collectionOrArray) {
        java.util.Collection<?> values = collectionOrArray instanceof java.util.Collection<?> c ? c
                : Texts.elements(collectionOrArray);
        int size = values.size();
        if (size < 0 || size > MAX_ITEMS) { // a long range's size does not fit an int
            throw new TooMany(size < 0 ? "more than " + Integer.MAX_VALUE : String.valueOf(size));
        }
        return new ArrayList<>(values);
    }

    @SafeVarargs
    private static RuntimeException find(Throwable e, Class<? extends RuntimeException>... types) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Class<? extends RuntimeException> type : types) {
                if (type.isInstance(t)) {
                    return type.cast(t);
                }
            }
        }
        return null;
    }

    /** A range or array too long to be laid out as a value. */
    private static final class TooMany extends RuntimeException {
        TooMany(String size) {
            super("the result has " + size + " elements; a range or array an expression yields may hold at most "
                    + MAX_ITEMS, null, false, false);
        }
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
        } catch (StackOverflowError e) {
            throw new ExpressionException(expression, TOO_DEEP, null);
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
        } catch (StackOverflowError e) {
            throw new ExpressionException(expression, TOO_DEEP, null);
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
