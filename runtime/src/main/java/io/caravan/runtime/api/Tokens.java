package io.caravan.runtime.api;

import io.caravan.runtime.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API tokens: random, stored as SHA-256 hashes only, checked in constant time. The first admin
 * token comes from {@code CARAVAN_ADMIN_TOKEN}, or is generated and printed once at first start.
 */
public final class Tokens {

    private static final long CACHE_MILLIS = 30_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    public Tokens(Database db) {
        this.db = db;
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
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "cvn_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        store("admin", hash(token), false);
        return token;
    }

    private void store(String id, byte[] hash, boolean replace) {
        db.jdbc().update("insert into api_tokens (id, name, token_hash, role) values (?, ?, ?, 'admin') on conflict (id) do "
                + (replace ? "update set token_hash = excluded.token_hash, revoked_at = null" : "nothing"), id, id, hash);
    }

    /** Whether a presented token is valid now. */
    public boolean isValid(String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        byte[] hash = hash(token);
        String key = Base64.getEncoder().encodeToString(hash);
        Long at = verified.get(key);
        if (at != null && System.currentTimeMillis() - at < CACHE_MILLIS) {
            return true;
        }
        boolean valid = db.jdbc().query("select token_hash from api_tokens where token_hash = ? and revoked_at is null"
                + " and (expires_at is null or expires_at > now())", (rs, n) -> rs.getBytes(1), (Object) hash)
                .stream().anyMatch(stored -> MessageDigest.isEqual(stored, hash));
        if (valid) {
            verified.put(key, System.currentTimeMillis());
        }
        return valid;
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
