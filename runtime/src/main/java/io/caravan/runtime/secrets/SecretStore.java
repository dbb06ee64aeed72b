package io.caravan.runtime.secrets;

import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Named secrets in PostgreSQL, each encrypted with AES-256-GCM under the master key: a fresh
 * 96-bit nonce per write, the name as associated data (a ciphertext copied to another name does
 * not decrypt). Values are write-only through the API; only executions read them.
 */
public final class SecretStore {

    /** What a secret name may be: it is written {@code {{ secrets.<name> }}}. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}");

    private final JdbcTemplate jdbc;
    private final MasterKey key;
    private final SecureRandom random = new SecureRandom();

    /** @param key the master key, or null when none is configured (then secrets cannot be used) */
    public SecretStore(Database db, MasterKey key) {
        this.jdbc = db.jdbc();
        this.key = key;
    }

    /** What the API shows of a secret. */
    public record Metadata(String name, String keyId, Instant createdAt, Instant updatedAt) {
    }

    /** Stores a secret; true when it is new. */
    public boolean put(String name, String value) {
        checkName(name);
        MasterKey k = key();
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, k, nonce, name, value.getBytes(StandardCharsets.UTF_8));
        Boolean created = jdbc.queryForObject("insert into secrets (name, key_id, nonce, ciphertext) values (?, ?, ?, ?)"
                + " on conflict (name) do update set key_id = excluded.key_id, nonce = excluded.nonce,"
                + " ciphertext = excluded.ciphertext, updated_at = now() returning (xmax = 0)", Boolean.class,
                name, k.id(), nonce, sealed);
        return Boolean.TRUE.equals(created);
    }

    /** The values of these secrets, by name; names with no secret are left out. */
    public Map<String, String> reveal(Set<String> names) {
        Map<String, String> values = new HashMap<>();
        if (names.isEmpty()) {
            return values;
        }
        MasterKey k = key();
        jdbc.query("select name, key_id, nonce, ciphertext from secrets where name = any(?)", rs -> {
            String name = rs.getString(1);
            if (!k.id().equals(rs.getString(2))) {
                throw new IllegalStateException("secret '" + name + "' was encrypted with master key " + rs.getString(2)
                        + ", not the configured " + k.id());
            }
            values.put(name, new String(crypt(Cipher.DECRYPT_MODE, k, rs.getBytes(3), name, rs.getBytes(4)),
                    StandardCharsets.UTF_8));
        }, (Object) names.toArray(String[]::new));
        return values;
    }

    public List<Metadata> list() {
        return jdbc.query("select name, key_id, created_at, updated_at from secrets order by name", (rs, n) ->
                new Metadata(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant()));
    }

    public Optional<Metadata> find(String name) {
        return list().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public boolean delete(String name) {
        return jdbc.update("delete from secrets where name = ?", name) > 0;
    }

    private MasterKey key() {
        if (key == null) {
            throw new ApiException(503, "Service Unavailable", "no master key is configured: set CARAVAN_MASTER_KEY"
                    + " (32 bytes, base64) on every node to use secrets", null);
        }
        return key;
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw ApiException.badRequest("'" + name + "' is not a secret name: a letter, then letters, digits or _"
                    + " (it is written {{ secrets.<name> }})", null);
        }
    }

    private static byte[] crypt(int mode, MasterKey key, byte[] nonce, String name, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key.key(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret '" + name + "' cannot be " + (mode == Cipher.ENCRYPT_MODE
                    ? "encrypted" : "decrypted (wrong master key, or the row was altered)"), e);
        }
    }
}
