package io.caravan.runtime.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.runtime.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * API tokens: 32 random bytes, stored as SHA-256 hashes only, each with the roles it holds per
 * namespace and an expiry. The first admin token comes from {@code CARAVAN_ADMIN_TOKEN}, or is
 * generated and printed once at first start. Every call looks its token up (one indexed read),
 * so a revocation holds on every node from the next call on.
 */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "cvn_";

    /** The exchange property that holds the {@link Principal} a call was made by. */
    public static final String PRINCIPAL = "caravan.principal";

    private final Database db;
    private final ObjectMapper json;

    public Tokens(Database db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    /** A token as listed: never its value, never its hash. */
    public record TokenRow(String id, String name, Map<String, Role> grants, String createdBy, Instant createdAt,
            Instant expiresAt, Instant revokedAt) {
    }

    /** A token just created, with its value, which is shown this once. */
    public record Created(TokenRow row, String token) {
    }

    /**
     * Makes sure an admin token exists.
     *
     * @return a newly generated token to print once, or null when none was generated
     */
    public String seedAdmin(String configured) {
        if (configured != null) {
            store("admin-env", hash(configured), true);
            return null;
        }
        boolean any = !db.jdbc().queryForList("select 1 from api_tokens where revoked_at is null limit 1").isEmpty();
        if (any) {
            return null;
        }
        String token = newToken();
        store("admin", hash(token), false);
        return token;
    }

    private void store(String id, byte[] hash, boolean replace) {
        db.jdbc().update("insert into api_tokens (id, name, token_hash, grants, created_by) values (?, ?, ?,"
                + " '{\"*\": \"admin\"}'::jsonb, 'caravan') on conflict (id) do "
                + (replace ? "update set token_hash = excluded.token_hash, revoked_at = null, expires_at = null" : "nothing"),
                id, id, hash);
    }

    /** The name of the token a call was made with. */
    public static String holderOf(org.apache.camel.Exchange e) {
        Principal p = e.getProperty(PRINCIPAL, Principal.class);
        return p == null ? "unknown" : p.name();
    }

    /** Who presents {@code token} when it is valid now (not revoked, not expired), else null. */
    public Principal principal(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] hash = hash(token);
        // the hash is unique and indexed; comparing it again in constant time costs nothing
        return db.jdbc().query("select id, name, token_hash, grants::text from api_tokens where token_hash = ?"
                + " and revoked_at is null and (expires_at is null or expires_at > now())",
                (rs, n) -> MessageDigest.isEqual(rs.getBytes(3), hash)
                        ? new Principal(rs.getString(1), rs.getString(2), grants(rs.getString(4))) : null,
                (Object) hash).stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** Creates a token; its value is returned once and only its hash is kept. */
    public Created create(String name, Map<String, Role> grants, Instant expiresAt, String createdBy) {
        String id = "tok_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String token = newToken();
        db.jdbc().update("insert into api_tokens (id, name, token_hash, grants, created_by, expires_at)"
                + " values (?, ?, ?, ?::jsonb, ?, ?)", id, name, hash(token), write(grants), createdBy,
                Timestamp.from(expiresAt));
        return new Created(find(id).orElseThrow(), token);
    }

    /** Every token, newest first, revoked ones too (they say when). */
    public List<TokenRow> list() {
        return db.jdbc().query("select " + COLUMNS + " from api_tokens order by created_at desc, id", this::row);
    }

    public Optional<TokenRow> find(String id) {
        return db.jdbc().query("select " + COLUMNS + " from api_tokens where id = ?", this::row, id).stream().findFirst();
    }

    /** Revokes a token at once; false when there is none by that id or it was revoked before. */
    public boolean revoke(String id) {
        return db.jdbc().update("update api_tokens set revoked_at = now() where id = ? and revoked_at is null", id) > 0;
    }

    private static final String COLUMNS = "id, name, grants::text as grants, created_by, created_at, expires_at, revoked_at";

    private TokenRow row(ResultSet rs, int n) throws SQLException {
        return new TokenRow(rs.getString("id"), rs.getString("name"), grants(rs.getString("grants")),
                rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "revoked_at"));
    }

    private Map<String, Role> grants(String text) {
        try {
            Map<String, Role> grants = new LinkedHashMap<>();
            json.readTree(text).fields().forEachRemaining(f -> Role.of(f.getValue().asText())
                    .ifPresent(role -> grants.put(f.getKey(), role)));
            return grants;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a token's grants cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private String write(Map<String, Role> grants) {
        Map<String, String> labels = new LinkedHashMap<>();
        grants.forEach((ns, role) -> labels.put(ns, role.label()));
        try {
            return json.writeValueAsString(labels);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static String newToken() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
