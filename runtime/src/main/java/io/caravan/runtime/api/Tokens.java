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

    /** The exchange property that holds the name of the token a call was made with. */
    public static final String HOLDER = "caravan.tokenHolder";

    private final Database db;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(String name, long at) {
    }

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

    /** Who made a call: the name of the token it came with. */
    public static String holderOf(org.apache.camel.Exchange e) {
        return e.getProperty(HOLDER, "unknown", String.class);
    }

    /** The name of a presented token when it is valid now, else null. */
    public String holder(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] hash = hash(token);
        String key = Base64.getEncoder().encodeToString(hash);
        Verified seen = verified.get(key);
        if (seen != null && System.currentTimeMillis() - seen.at() < CACHE_MILLIS) {
            return seen.name();
        }
        String name = db.jdbc().query("select token_hash, name from api_tokens where token_hash = ? and revoked_at is null"
                + " and (expires_at is null or expires_at > now())", (rs, n) -> MessageDigest.isEqual(rs.getBytes(1), hash)
                ? rs.getString(2) : null, (Object) hash).stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (name != null) {
            verified.put(key, new Verified(name, System.currentTimeMillis()));
        }
        return name;
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
