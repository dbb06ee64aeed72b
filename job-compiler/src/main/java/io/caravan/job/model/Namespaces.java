package io.caravan.job.model;

import java.util.regex.Pattern;

/**
 * How namespaces name what belongs to them. A job, connection or secret {@code x} of namespace
 * {@code ns} has the key {@code ns.x}, one of the default namespace simply {@code x}: names hold
 * no '.', so a key says its namespace, and what existed before namespaces keeps its key.
 */
public final class Namespaces {

    /** The namespace of everything that names none. */
    public static final String DEFAULT = "default";
    /** The pattern a namespace's name must match: as a job id's. */
    public static final String PATTERN = JobDefinition.ID_PATTERN;

    private static final Pattern NAME = Pattern.compile(PATTERN);

    private Namespaces() {
    }

    /** Whether {@code name} may name a namespace. */
    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Whether {@code key} is a key whose name, within its namespace, matches {@code name}. */
    public static boolean validKey(String key, Pattern name) {
        return key != null && valid(of(key)) && name.matcher(local(key)).matches();
    }

    /** The entries of {@code byKey} that belong to {@code namespace}, by their names within it. */
    public static <V> java.util.Map<String, V> within(java.util.Map<String, V> byKey, String namespace) {
        java.util.Map<String, V> named = new java.util.HashMap<>();
        byKey.forEach((key, value) -> {
            if (of(key).equals(namespace)) {
                named.put(local(key), value);
            }
        });
        return named;
    }

    /** The key of {@code name} in {@code namespace}. */
    public static String key(String namespace, String name) {
        return namespace == null || namespace.equals(DEFAULT) ? name : namespace + "." + name;
    }

    /** The namespace a key belongs to. */
    public static String of(String key) {
        int dot = key.indexOf('.');
        return dot < 0 ? DEFAULT : key.substring(0, dot);
    }

    /** The names, within {@code namespace}, of those of {@code keys} that belong to it. */
    public static java.util.Set<String> within(java.util.Collection<String> keys, String namespace) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String key : keys) {
            if (of(key).equals(namespace)) {
                names.add(local(key));
            }
        }
        return names;
    }

    /** The name within its namespace that a key stands for. */
    public static String local(String key) {
        return key.substring(key.indexOf('.') + 1);
    }
}
