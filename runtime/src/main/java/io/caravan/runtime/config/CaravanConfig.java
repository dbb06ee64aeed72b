package io.caravan.runtime.config;

import io.caravan.connectors.egress.AddressBlock;
import io.caravan.connectors.egress.EgressPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Caravan's configuration (DESIGN §7), read from environment variables, then Java system
 * properties, then a properties file ({@code CARAVAN_CONFIG}, default {@code ./caravan.properties})
 * with the same keys. Nothing set: embedded PostgreSQL and S3 under {@code ./data}, port 8080.
 */
public record CaravanConfig(
        int httpPort,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        String localDbUrl,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        String s3Bucket,
        int workers,
        String nodeId,
        String adminToken,
        String masterKey,
        java.time.Duration leaseExpiry,
        java.time.Duration heartbeat,
        EgressPolicy egress) {

    /** The configuration of this process. */
    public static CaravanConfig load() {
        Map<String, String> values = new HashMap<>();
        Path file = Path.of(System.getenv().getOrDefault("CARAVAN_CONFIG", "caravan.properties"));
        if (Files.isRegularFile(file)) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
            properties.forEach((k, v) -> values.put(k.toString(), v.toString()));
        }
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("caravan.")) {
                values.put(key.toUpperCase(Locale.ROOT).replace('.', '_'), v.toString());
            }
        });
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("CARAVAN_")) {
                values.put(k, v);
            }
        });
        return from(values);
    }

    /** A configuration from {@code CARAVAN_*} keys; absent keys take their defaults. */
    public static CaravanConfig from(Map<String, String> values) {
        Reader r = new Reader(values);
        return new CaravanConfig(
                r.integer("CARAVAN_HTTP_PORT", 8080),
                Path.of(r.text("CARAVAN_DATA_DIR", "./data")).toAbsolutePath().normalize(),
                r.text("CARAVAN_DB_URL", null),
                r.text("CARAVAN_DB_USER", "postgres"),
                r.text("CARAVAN_DB_PASSWORD", "postgres"),
                r.text("CARAVAN_LOCAL_DB_URL", null),
                r.text("CARAVAN_S3_ENDPOINT", null),
                r.text("CARAVAN_S3_ACCESS_KEY", null),
                r.text("CARAVAN_S3_SECRET_KEY", null),
                r.text("CARAVAN_S3_BUCKET", "caravan"),
                r.integer("CARAVAN_WORKERS", 16),
                r.text("CARAVAN_NODE_ID", defaultNodeId()),
                r.text("CARAVAN_ADMIN_TOKEN", null),
                r.text("CARAVAN_MASTER_KEY", null),
                java.time.Duration.ofSeconds(r.integer("CARAVAN_LEASE_SECONDS", 30)),
                java.time.Duration.ofSeconds(r.integer("CARAVAN_HEARTBEAT_SECONDS", 3)),
                new EgressPolicy(r.blocks("CARAVAN_EGRESS_DENY", "link-local"), r.blocks("CARAVAN_EGRESS_ALLOW", "none")));
    }

    public CaravanConfig {
        if (heartbeat.isZero() || heartbeat.isNegative() || heartbeat.multipliedBy(3).compareTo(leaseExpiry) > 0) {
            throw new IllegalArgumentException("CARAVAN_HEARTBEAT_SECONDS (" + heartbeat.toSeconds()
                    + ") must be positive and at most a third of CARAVAN_LEASE_SECONDS (" + leaseExpiry.toSeconds() + ")");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("CARAVAN_WORKERS must be at least 1, got " + workers);
        }
    }

    /** Never the admin token, the master key or passwords. */
    @Override
    public String toString() {
        return "CaravanConfig[port=" + httpPort + ", dataDir=" + dataDir + ", db=" + (dbUrl == null ? "embedded" : dbUrl)
                + ", s3=" + (s3Endpoint == null ? "embedded" : s3Endpoint) + ", workers=" + workers + ", node=" + nodeId
                + ", egress=" + egress + "]";
    }

    /** Whether to start the embedded PostgreSQL. */
    public boolean embeddedDatabase() {
        return dbUrl == null;
    }

    /** Whether to start the embedded S3 server. */
    public boolean embeddedObjectStore() {
        return s3Endpoint == null;
    }

    private static String defaultNodeId() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (java.net.UnknownHostException e) {
            return "node-" + ProcessHandle.current().pid();
        }
    }

    private record Reader(Map<String, String> values) {
        String text(String key, String fallback) {
            String v = values.get(key);
            return v == null || v.isBlank() ? fallback : v.strip();
        }

        List<AddressBlock> blocks(String key, String fallback) {
            return AddressBlock.parse(key, text(key, fallback));
        }

        int integer(String key, int fallback) {
            String v = text(key, null);
            if (v == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
            }
        }
    }
}
