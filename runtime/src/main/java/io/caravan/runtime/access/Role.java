package io.caravan.runtime.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a token may do in a namespace; each role may do all that the roles before it may: a
 * viewer reads, an operator also runs, cancels and retries, an editor also writes jobs and
 * connections, an admin also manages secrets, tokens and namespaces.
 */
public enum Role {
    VIEWER, OPERATOR, EDITOR, ADMIN;

    /** Whether this role may do what {@code needed} may. */
    public boolean covers(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The role's name as the API writes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code label} (any case), or empty. */
    public static Optional<Role> of(String label) {
        return label == null ? Optional.empty()
                : Arrays.stream(values()).filter(r -> r.name().equalsIgnoreCase(label.strip())).findFirst();
    }
}
