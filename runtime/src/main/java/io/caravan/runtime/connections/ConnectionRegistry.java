package io.caravan.runtime.connections;

import com.zaxxer.hikari.HikariDataSource;
import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.sql.SqlStep;
import io.caravan.runtime.store.Database;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The connections this node can use, kept in line with the store ({@link #sync}): their settings
 * for {@code {{ connections.<name>.<field> }}}, and for each {@code jdbc} one a small pool bound
 * where the {@code sql} step looks ({@link SqlStep#dataSourceBean}). The bound bean delegates to
 * the current pool, so a changed connection is used at once by endpoints Camel has cached.
 */
public final class ConnectionRegistry implements AutoCloseable {

    /** The name of the embedded database's connection; not a stored one. */
    public static final String LOCAL = "local";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRegistry.class);

    private final ConnectionStore store;
    private final CamelContext camel;
    private final boolean hasLocal;
    private final Map<String, Instant> loaded = new HashMap<>();
    private final Map<String, Map<String, Object>> configs = new HashMap<>();
    private final Map<String, DelegatingDataSource> beans = new HashMap<>();
    private final Map<String, HikariDataSource> pools = new HashMap<>();

    public ConnectionRegistry(ConnectionStore store, CamelContext camel, boolean hasLocal) {
        this.store = store;
        this.camel = camel;
        this.hasLocal = hasLocal;
    }

    /** The connection names jobs may use. */
    public synchronized Set<String> names() {
        Set<String> names = new TreeSet<>(configs.keySet());
        if (hasLocal) {
            names.add(LOCAL);
        }
        return names;
    }

    /** Each connection's non-secret settings with its type, for expressions. */
    public synchronized Map<String, Object> settings() {
        return Map.copyOf(configs);
    }

    /** Loads what changed in the store since the last sync, and drops what was deleted. */
    public synchronized int sync() {
        Map<String, Instant> stored = store.versions();
        int changed = 0;
        for (Map.Entry<String, Instant> e : stored.entrySet()) {
            if (!e.getValue().equals(loaded.get(e.getKey()))) {
                store.open(e.getKey()).ifPresent(this::load);
                changed++;
            }
        }
        for (String name : Set.copyOf(loaded.keySet())) {
            if (!stored.containsKey(name)) {
                unload(name);
                changed++;
            }
        }
        return changed;
    }

    private void load(ConnectionStore.Connection c) {
        Map<String, Object> settings = new HashMap<>(c.config());
        settings.put("type", c.type());
        configs.put(c.name(), Map.copyOf(settings));
        loaded.put(c.name(), c.updatedAt());
        camel.getRegistry().bind(ConnectionSettings.bean(c.name()), ConnectionSettings.class,
                new ConnectionSettings(c.name(), c.type(), Map.copyOf(c.config()), Map.copyOf(c.secrets())));
        if (ConnectionKind.JDBC.type().equals(c.type())) {
            HikariDataSource pool;
            try {
                pool = Database.stepPool("connection-" + c.name(), (String) c.config().get("url"),
                        (String) c.config().get("username"), c.secrets().get("password"), 4);
            } catch (RuntimeException e) { // a database that is not there: steps on it fail until it is
                LOG.warn("connection {}: cannot open a pool: {}", c.name(), e.getMessage());
                loaded.put(c.name(), Instant.EPOCH); // tried again at the next sync
                return;
            }
            HikariDataSource old = pools.put(c.name(), pool); // the new pool in place first, then the old one goes
            DelegatingDataSource bean = beans.get(c.name());
            if (bean == null) {
                bean = new DelegatingDataSource(pool);
                beans.put(c.name(), bean);
                camel.getRegistry().bind(SqlStep.dataSourceBean(c.name()), javax.sql.DataSource.class, bean);
            } else {
                bean.setTargetDataSource(pool);
            }
            if (old != null) {
                old.close(); // a statement still running on it fails as a connection error, which steps may retry
            }
        } else {
            closePool(c.name());
        }
        LOG.info("connection {} ({}) loaded", c.name(), c.type());
    }

    private void unload(String name) {
        configs.remove(name);
        camel.getRegistry().unbind(ConnectionSettings.bean(name));
        loaded.remove(name);
        closePool(name);
        if (beans.remove(name) != null) {
            camel.getRegistry().unbind(SqlStep.dataSourceBean(name));
        }
        LOG.info("connection {} removed", name);
    }

    private void closePool(String name) {
        HikariDataSource old = pools.remove(name);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public synchronized void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
