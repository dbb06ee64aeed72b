package io.caravan.runtime.access;

import io.caravan.job.model.Namespaces;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.store.NamespaceFilter;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The checks a handler makes itself when the namespace an action touches is known only from its
 * body (a new job, connection or secret) or when it lists: the route let the call in because its
 * token holds the action's role somewhere; these narrow it to where it holds it.
 */
public final class Scopes {

    /** The exchange property holding the {@link Access} the action's route declared. */
    public static final String ACCESS = "caravan.access";
    /** The exchange property holding the name of the action. */
    public static final String ACTION = AuditLog.ACTION;

    private Scopes() {
    }

    /** Refuses the call unless its token may take its action in {@code namespace} (404 or 403, as the route would). */
    public static void check(Exchange e, String namespace) {
        Access access = e.getProperty(ACCESS, Access.class);
        e.setProperty(AuditLog.NAMESPACE, namespace);
        new Access(access.role(), false).check(principal(e), e.getProperty(ACTION, String.class), namespace);
    }

    /**
     * What a list may show: the namespaces where the token holds the action's role, or the one
     * asked for with {@code ?namespace=} (after the same check as {@link #check}).
     */
    public static NamespaceFilter visible(Exchange e) {
        String asked = namespaceAsked(e);
        if (asked != null) {
            check(e, asked);
            return new NamespaceFilter(List.of(asked));
        }
        NamespaceFilter visible = principal(e).visible(e.getProperty(ACCESS, Access.class).role());
        if (visible.namespaces() != null && visible.namespaces().size() == 1) { // all it could touch: the audit says so
            e.setProperty(AuditLog.NAMESPACE, visible.namespaces().iterator().next());
        }
        return visible;
    }

    /** The {@code ?namespace=} of the call, validated; null when not given. */
    public static String namespaceAsked(Exchange e) {
        String asked = e.getMessage().getHeader("namespace", String.class);
        if (asked == null || asked.isBlank()) {
            return null;
        }
        if (!Namespaces.valid(asked)) {
            throw ApiException.badRequest("not a namespace: '" + asked.replace("\u0000", "") + "'",
                    List.of(new Problem("namespace", "must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit")));
        }
        return asked;
    }

    private static Principal principal(Exchange e) {
        return e.getProperty(Tokens.PRINCIPAL, Principal.class);
    }
}
