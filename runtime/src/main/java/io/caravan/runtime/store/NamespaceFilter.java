package io.caravan.runtime.store;

import java.util.Collection;

/**
 * A list's filter to some namespaces, in SQL. Keys name their namespace ({@code ns.x}, or
 * {@code x} in the default one; see {@code Namespaces}), so a row's namespace is read from its
 * key column and no table needs a namespace column of its own.
 */
public record NamespaceFilter(Collection<String> namespaces) {

    /** No filter: every namespace. */
    public static final NamespaceFilter ALL = new NamespaceFilter(null);

    /**
     * The condition on {@code keyColumn}; it takes two parameters, {@link #parameter()} twice.
     * The namespaces travel as one comma-joined text (names hold no comma), as a bound value.
     */
    public static String condition(String keyColumn) {
        return "(?::text is null or " + namespaceOf(keyColumn) + " = any(string_to_array(?::text, ',')))";
    }

    /** The SQL expression of the namespace of the key in {@code keyColumn}. */
    public static String namespaceOf(String keyColumn) {
        return "(case when strpos(" + keyColumn + ", '.') > 0 then split_part(" + keyColumn + ", '.', 1) else 'default' end)";
    }

    /** Whether the filter lets {@code key}'s namespace through. */
    public boolean admits(String key) {
        return namespaces == null || namespaces.contains(io.caravan.job.model.Namespaces.of(key));
    }

    /** The value bound to the condition's parameters; null for every namespace. */
    public String parameter() {
        return namespaces == null ? null : String.join(",", namespaces);
    }
}
