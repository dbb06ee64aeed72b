package io.caravan.runtime.access;

import io.caravan.runtime.api.ApiException;

/**
 * What an API action needs: a role in the namespace of what it touches, or (for what belongs to
 * no namespace: the nodes, the queue, the schema, tokens, the audit log) a role in any namespace.
 * A caller with no role at all where the action points is told 404, as if nothing were there,
 * so that a namespace's contents do not leak to those outside it; one with a lower role, 403.
 */
public record Access(Role role, boolean anyNamespace) {

    public static final Access VIEW = new Access(Role.VIEWER, false);
    public static final Access OPERATE = new Access(Role.OPERATOR, false);
    public static final Access EDIT = new Access(Role.EDITOR, false);
    public static final Access ADMINISTER = new Access(Role.ADMIN, false);
    /** Reads of what belongs to no namespace: any role anywhere. */
    public static final Access VIEW_ANY = new Access(Role.VIEWER, true);
    /** Tokens and the audit log: admin somewhere; what each admin then sees is narrowed further. */
    public static final Access ADMINISTER_ANY = new Access(Role.ADMIN, true);

    /** Refuses {@code who} unless it may take {@code action} in {@code namespace}. */
    public void check(Principal who, String action, String namespace) {
        Role held = (anyNamespace ? who.highest() : who.roleIn(namespace)).orElse(null);
        if (held == null) {
            throw ApiException.notFound("nothing here for token '" + who.name() + "'");
        }
        if (!held.covers(role)) {
            throw ApiException.forbidden("token '" + who.name() + "' is " + held.label()
                    + (anyNamespace ? "" : " in namespace '" + namespace + "'") + "; " + action + " needs "
                    + role.label());
        }
    }
}
