package io.caravan.runtime.secrets;

import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.store.Database;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
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
    private final Sealer sealer;

    /** The sealing of secret parameters, under the same master key. */
    public SecretParams params() {
        return new SecretParams(sealer);
    }

    public SecretStore(Database db, Sealer sealer) {
        this.jdbc = db.jdbc();
        this.sealer = sealer;
    }

    /** What the API shows of a secret. */
    public record Metadata(String name, String keyId, Instant createdAt, Instant updatedAt) {
    }

    /** Stores a secret; true when it is new. */
    public boolean put(String name, String value) {
        checkName(name);
        Sealer.Sealed sealed = sealer.seal(name, value);
        Boolean created = jdbc.queryForObject("insert into secrets (name, key_id, nonce, ciphertext) values (?, ?, ?, ?)"
                + " on conflict (name) do update set key_id = excluded.key_id, nonce = excluded.nonce,"
                + " ciphertext = excluded.ciphertext, updated_at = now() returning (xmax = 0)", Boolean.class,
                name, sealed.keyId(), sealed.nonce(), sealed.ciphertext());
        return Boolean.TRUE.equals(created);
    }

    /** The values of these secrets, by name; names with no secret are left out. */
    public Map<String, String> reveal(Set<String> names) {
        Map<String, String> values = new HashMap<>();
        if (names.isEmpty()) {
            return values;
        }
        jdbc.query("select name, key_id, nonce, ciphertext from secrets where name = any(?)", rs -> {
            String name = rs.getString(1);
            values.put(name, sealer.open(name, new Sealer.Sealed(rs.getBytes(3), rs.getBytes(4), rs.getString(2))));
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

    private static void checkName(String name) {
        if (!io.caravan.job.model.Namespaces.validKey(name, NAME)) {
            throw ApiException.badRequest("'" + name + "' is not a secret name: a letter, then letters, digits or _"
                    + " (it is written {{ secrets.<name> }})", null);
        }
    }
}
