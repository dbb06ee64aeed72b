package io.caravan.runtime.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.api.Replies;
import io.caravan.runtime.api.Requests;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * {@code /api/v1/tokens}: create (the value is in the answer, once), list, read and revoke API
 * tokens. An admin grants and revokes only what it holds itself: a role in a namespace no higher
 * than its own there, and {@code "*"} only when it holds that role in every namespace.
 */
public final class TokensApi {

    /** How long a token lives when the request does not say. */
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);
    /** The longest a token may live: a forgotten token does not stay valid for good. */
    static final Duration MAX_LIFETIME = Duration.ofDays(366);
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final Tokens tokens;
    private final ObjectMapper json;

    public TokensApi(Tokens tokens, ObjectMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    /** {@code POST /tokens} {@code {"name", "grants": {namespace: role}, "expires_in" | "expires_at"}}: 201 with the token. */
    public void create(Exchange e) throws Exception {
        JsonNode body = Requests.body(e, json, false);
        List<Problem> problems = new ArrayList<>();
        String name = name(body, problems);
        Map<String, Role> grants = grants(body.get("grants"), problems);
        Instant expires = expiry(body, problems);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("the token cannot be created as asked", problems);
        }
        Principal caller = caller(e);
        grants.forEach((ns, role) -> mayGrant(caller, ns, role));
        Tokens.Created created = tokens.create(name, grants, expires, caller.name());
        ObjectNode out = view(created.row());
        out.put("token", created.token());
        Replies.json(e, 201, out, json);
    }

    public void list(Exchange e) throws Exception {
        Principal caller = caller(e);
        ObjectNode out = json.createObjectNode();
        var items = out.putArray("items");
        tokens.list().stream().filter(t -> covers(caller, t)).forEach(t -> items.add(view(t)));
        Replies.json(e, 200, out, json);
    }

    public void get(Exchange e) throws Exception {
        Replies.json(e, 200, view(visible(e)), json);
    }

    /** {@code DELETE /tokens/{id}}: revoked from the next call on, on every node; 204. */
    public void revoke(Exchange e) {
        Tokens.TokenRow token = visible(e);
        if (token.revokedAt() != null || !tokens.revoke(token.id())) {
            throw ApiException.conflict("token '" + token.id() + "' was revoked already");
        }
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        e.getMessage().setBody(null);
    }

    /** The token of the path, when the caller covers all it grants; else 404, as if there were none. */
    private Tokens.TokenRow visible(Exchange e) {
        String id = e.getMessage().getHeader("id", String.class);
        return tokens.find(id).filter(t -> covers(caller(e), t))
                .orElseThrow(() -> ApiException.notFound("no token '" + id + "'"));
    }

    private static boolean covers(Principal caller, Tokens.TokenRow token) {
        return token.grants().entrySet().stream().allMatch(g -> holds(caller, g.getKey(), g.getValue()));
    }

    private static boolean holds(Principal caller, String namespace, Role role) {
        Role held = Principal.ALL_NAMESPACES.equals(namespace) ? caller.grants().get(namespace)
                : caller.roleIn(namespace).orElse(null);
        return held != null && held == Role.ADMIN && held.covers(role);
    }

    private static void mayGrant(Principal caller, String namespace, Role role) {
        if (!holds(caller, namespace, role)) {
            throw ApiException.forbidden("token '" + caller.name() + "' cannot grant " + role.label() + " in "
                    + ("*".equals(namespace) ? "every namespace" : "namespace '" + namespace + "'")
                    + ": it is not admin there");
        }
    }

    private static Principal caller(Exchange e) {
        return e.getProperty(Tokens.PRINCIPAL, Principal.class);
    }

    private static String name(JsonNode body, List<Problem> problems) {
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank() || name.asText().length() > 100
                || name.asText().chars().anyMatch(Character::isISOControl)) {
            problems.add(new Problem("$.name", "must be a string of 1 to 100 characters without control characters"));
            return null;
        }
        return name.asText().strip();
    }

    private static Map<String, Role> grants(JsonNode node, List<Problem> problems) {
        Map<String, Role> grants = new LinkedHashMap<>();
        if (node == null || !node.isObject() || node.isEmpty()) {
            problems.add(new Problem("$.grants", "must be an object of namespace to role, e.g. {\"default\": \"viewer\"}"));
            return grants;
        }
        node.fields().forEachRemaining(f -> {
            String at = "$.grants['" + f.getKey() + "']";
            if (!"*".equals(f.getKey()) && !NAMESPACE.matcher(f.getKey()).matches()) {
                problems.add(new Problem(at, "is not a namespace: lower-case letters, digits and '-', or '*' for all"));
            }
            Role.of(f.getValue().isTextual() ? f.getValue().asText() : null).ifPresentOrElse(
                    role -> grants.put(f.getKey(), role),
                    () -> problems.add(new Problem(at, "must be one of viewer, operator, editor, admin")));
        });
        return grants;
    }

    private static Instant expiry(JsonNode body, List<Problem> problems) {
        Instant now = Instant.now();
        Instant expires;
        try {
            if (body.hasNonNull("expires_at")) {
                expires = Instant.parse(body.get("expires_at").asText());
            } else if (body.hasNonNull("expires_in")) {
                expires = now.plus(Duration.parse(body.get("expires_in").asText()));
            } else {
                return now.plus(DEFAULT_LIFETIME);
            }
        } catch (DateTimeParseException | ArithmeticException bad) {
            problems.add(new Problem(body.hasNonNull("expires_at") ? "$.expires_at" : "$.expires_in",
                    "must be an instant like 2027-01-31T00:00:00Z (expires_at) or a duration like P30D (expires_in)"));
            return null;
        }
        if (!expires.isAfter(now) || expires.isAfter(now.plus(MAX_LIFETIME))) {
            problems.add(new Problem(body.hasNonNull("expires_at") ? "$.expires_at" : "$.expires_in",
                    "must be in the future and at most " + MAX_LIFETIME.toDays() + " days away"));
        }
        return expires;
    }

    private ObjectNode view(Tokens.TokenRow t) {
        ObjectNode out = json.createObjectNode();
        out.put("id", t.id());
        out.put("name", t.name());
        ObjectNode grants = out.putObject("grants");
        t.grants().forEach((ns, role) -> grants.put(ns, role.label()));
        out.put("created_by", t.createdBy());
        out.put("created_at", String.valueOf(t.createdAt()));
        out.put("expires_at", t.expiresAt() == null ? null : t.expiresAt().toString());
        out.put("revoked_at", t.revokedAt() == null ? null : t.revokedAt().toString());
        return out;
    }
}
