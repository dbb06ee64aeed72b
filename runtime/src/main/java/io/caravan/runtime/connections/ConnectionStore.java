package io.caravan.runtime.connections;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.runtime.secrets.Sealer;
import io.caravan.runtime.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** Connections in PostgreSQL: settings as JSON, the secret fields sealed together under the name. */
public final class ConnectionStore {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final Sealer sealer;
    private final ObjectMapper json;

    public ConnectionStore(Database db, Sealer sealer, ObjectMapper json) {
        this.jdbc = db.jdbc();
        this.sealer = sealer;
        this.json = json;
    }

    /** A stored connection; {@code secrets} holds values only when read with {@link #open}. */
    public record Connection(String name, String type, Map<String, Object> config, Map<String, String> secrets,
            List<String> secretFields, Instant updatedAt) {
    }

    /** Stores a connection; true when it is new. */
    public boolean save(String name, String type, Map<String, Object> config, Map<String, String> secrets) throws Exception {
        Sealer.Sealed sealed = secrets.isEmpty() ? null : sealer.seal("connection:" + name, json.writeValueAsString(secrets));
        Boolean created = jdbc.queryForObject("insert into connections (name, type, config, secret_fields, key_id, nonce,"
                + " sealed) values (?, ?, ?::jsonb, ?, ?, ?, ?) on conflict (name) do update set type = excluded.type,"
                + " config = excluded.config, secret_fields = excluded.secret_fields, key_id = excluded.key_id,"
                + " nonce = excluded.nonce, sealed = excluded.sealed, updated_at = now() returning (xmax = 0)", Boolean.class,
                name, type, json.writeValueAsString(config), new java.util.TreeSet<>(secrets.keySet()).toArray(String[]::new),
                sealed == null ? null : sealed.keyId(), sealed == null ? null : sealed.nonce(),
                sealed == null ? null : sealed.ciphertext());
        return Boolean.TRUE.equals(created);
    }

    /** Every connection without its secret values (their field names only). */
    public List<Connection> list() {
        return jdbc.query("select name, type, config::text, key_id, nonce, sealed, updated_at, secret_fields from connections order by name",
                (rs, n) -> row(rs, false));
    }

    /** A connection with its secret values opened, for this node's use of it. */
    public Optional<Connection> open(String name) {
        return jdbc.query("select name, type, config::text, key_id, nonce, sealed, updated_at, secret_fields"
                + " from connections where name = ?", (rs, n) -> row(rs, true), name).stream().findFirst();
    }

    public boolean delete(String name) {
        return jdbc.update("delete from connections where name = ?", name) > 0;
    }

    /** Names and last change of every connection: what a node compares to know what to reload. */
    public Map<String, Instant> versions() {
        Map<String, Instant> out = new java.util.HashMap<>();
        jdbc.query("select name, updated_at from connections", rs -> {
            out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
        });
        return out;
    }

    private Connection row(java.sql.ResultSet rs, boolean open) throws java.sql.SQLException {
        try {
            String name = rs.getString(1);
            Map<String, Object> config = json.readValue(rs.getString(3), MAP);
            Map<String, String> secrets = Map.of();
            byte[] sealed = rs.getBytes(6);
            if (sealed != null) {
                String text = open ? sealer.open("connection:" + name, new Sealer.Sealed(rs.getBytes(5), sealed,
                        rs.getString(4))) : null;
                secrets = text == null ? Map.of() : json.readValue(text, new TypeReference<Map<String, String>>() {
                });
            }
            List<String> fields = List.of((String[]) rs.getArray(8).getArray());
            return new Connection(name, rs.getString(2), config, secrets, fields, rs.getTimestamp(7).toInstant());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
