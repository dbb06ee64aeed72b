package io.caravan.runtime.serialization;

import java.io.ObjectInputFilter;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide filter of Java deserialization. Caravan reads no Java-serialized data of its own
 * (jobs, contexts, requests and stored rows are JSON), but one library it uses does: Quartz's JDBC
 * job store writes each schedule's {@code JobDataMap} to its table with Java serialization and
 * reads it back. The filter allows exactly what such a map holds — the map classes Quartz
 * serializes, a {@code HashMap}, strings and boxed scalars, as camel-quartz fills it — and
 * rejects every other class, wherever a stream comes from, so a gadget smuggled into a database
 * row or a request can never be instantiated. Sizes are bounded too.
 */
public final class SerialFilter {

    private static final Logger LOG = LoggerFactory.getLogger(SerialFilter.class);

    /** The classes a Quartz JobDataMap written by camel-quartz is made of. */
    static final Set<String> ALLOWED = Set.of(
            "org.quartz.JobDataMap",
            "org.quartz.utils.StringKeyDirtyFlagMap",
            "org.quartz.utils.DirtyFlagMap",
            "java.util.HashMap",
            "java.util.Map$Entry", // HashMap checks its table's size as an array of entries
            "java.lang.String",
            "java.lang.Number",
            "java.lang.Boolean",
            "java.lang.Character",
            "java.lang.Byte",
            "java.lang.Short",
            "java.lang.Integer",
            "java.lang.Long",
            "java.lang.Float",
            "java.lang.Double");

    private static final long MAX_BYTES = 1 << 20;
    private static final long MAX_DEPTH = 10;
    private static final long MAX_REFERENCES = 10_000;
    private static final long MAX_ARRAY = 10_000;

    /** The filter itself, as {@link #install()} sets it. */
    static final ObjectInputFilter FILTER = SerialFilter::check;

    private SerialFilter() {
    }

    /**
     * Sets the filter for the whole JVM, once. A filter the operator set already
     * ({@code -Djdk.serialFilter=…}) is kept: it was chosen on purpose, and Java allows only one.
     */
    public static synchronized void install() {
        ObjectInputFilter current = ObjectInputFilter.Config.getSerialFilter();
        if (current == FILTER) {
            return;
        }
        if (current != null) {
            LOG.info("Java deserialization filter already set ({}); Caravan keeps it", current);
            return;
        }
        ObjectInputFilter.Config.setSerialFilter(FILTER);
    }

    private static ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
        if (info.streamBytes() > MAX_BYTES || info.depth() > MAX_DEPTH || info.references() > MAX_REFERENCES
                || info.arrayLength() > MAX_ARRAY) {
            return ObjectInputFilter.Status.REJECTED;
        }
        Class<?> type = info.serialClass();
        if (type == null) {
            return ObjectInputFilter.Status.UNDECIDED; // a limits-only check, passed above
        }
        while (type.isArray()) {
            type = type.getComponentType();
        }
        if (type.isPrimitive() || ALLOWED.contains(type.getName())) {
            return ObjectInputFilter.Status.ALLOWED;
        }
        return ObjectInputFilter.Status.REJECTED;
    }
}
