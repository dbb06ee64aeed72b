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
        EgressPolicy egress,
        Tls tls,
        String s3Encryption,
        String s3KmsKey,
        Housekeeping housekeeping,
        Http http,
        Jolokia jolokia,
        boolean metricsAuth,
        String hawtioUrl) {

    /**
     * What the housekeeping route removes and how often it looks: ended executions (row, step
     * runs, context, files) older than {@code retention}, unless their job keeps its own.
     */
    public record Housekeeping(java.time.Duration retention, java.time.Duration interval) {
        public Housekeeping {
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("CARAVAN_RETENTION must be a positive duration, got " + retention);
            }
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("CARAVAN_HOUSEKEEPING_INTERVAL must be a positive duration, got " + interval);
            }
        }
    }

    /**
     * What the HTTP server takes from a client: the largest body of an API request and of a
     * webhook call, in bytes, and the web origins allowed to call the API from a browser (CORS;
     * none by default).
     */
    public record Http(long apiMaxBody, long webhookMaxBody, List<String> corsOrigins) {
        public Http {
            corsOrigins = List.copyOf(corsOrigins);
            if (webhookMaxBody > apiMaxBody) { // the API's limit is the server's: no body is read past it
                throw new IllegalArgumentException("CARAVAN_WEBHOOK_MAX_BODY (" + webhookMaxBody + " bytes) cannot be larger"
                        + " than CARAVAN_API_MAX_BODY (" + apiMaxBody + " bytes); raise both");
            }
        }

        /**
         * The origins of {@code CARAVAN_CORS_ORIGINS}, comma-separated, each {@code scheme://host[:port]}
         * as a browser sends it; {@code *} is refused: every page of the web would then be allowed.
         */
        static List<String> origins(String text) {
            List<String> origins = new java.util.ArrayList<>();
            for (String part : text.split(",")) {
                String origin = part.strip();
                if (origin.isEmpty()) {
                    continue;
                }
                if (origin.equals("*") || origin.equalsIgnoreCase("null")) {
                    throw new IllegalArgumentException("CARAVAN_CORS_ORIGINS: '" + origin + "' is not allowed; list the"
                            + " origins of the pages that call the API, e.g. https://console.example.com");
                }
                java.net.URI uri;
                try {
                    uri = new java.net.URI(origin);
                } catch (java.net.URISyntaxException e) {
                    uri = null;
                }
                if (uri == null || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                        || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null
                        || !"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                    throw new IllegalArgumentException("CARAVAN_CORS_ORIGINS: '" + origin + "' is not an origin such as"
                            + " https://console.example.com or http://localhost:3000 (scheme, host and port only)");
                }
                origins.add(origin.toLowerCase(Locale.ROOT));
            }
            return origins;
        }
    }

    /**
     * The Jolokia agent, JMX over HTTP for Hawtio ({@code CARAVAN_JOLOKIA_*}): off unless a port is
     * given, on 127.0.0.1 unless a host is. Anyone who reaches it can read and operate the node's
     * MBeans, so a host other than loopback is refused without a user and password.
     */
    public record Jolokia(int port, String host, String user, String password) {
        public Jolokia {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("CARAVAN_JOLOKIA_PORT must be 1 to 65535 (or unset: off), got " + port);
            }
            if ((user == null) != (password == null)) {
                throw new IllegalArgumentException("CARAVAN_JOLOKIA_USER and CARAVAN_JOLOKIA_PASSWORD go together: "
                        + (user == null ? "CARAVAN_JOLOKIA_PASSWORD" : "CARAVAN_JOLOKIA_USER") + " is set, the other is not");
            }
            if (port > 0 && user == null && !loopback(host)) {
                throw new IllegalArgumentException("CARAVAN_JOLOKIA_HOST is " + host + ", which is not loopback:"
                        + " set CARAVAN_JOLOKIA_USER and CARAVAN_JOLOKIA_PASSWORD, since Jolokia gives whoever"
                        + " reaches it the node's JMX");
            }
        }

        /** Whether the agent runs. */
        public boolean enabled() {
            return port > 0;
        }

        private static boolean loopback(String host) {
            try {
                return java.net.InetAddress.getByName(host).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("CARAVAN_JOLOKIA_HOST: unknown host '" + host + "'");
            }
        }

        /** Never the password. */
        @Override
        public String toString() {
            return enabled() ? host + ":" + port + (user == null ? "" : " (user " + user + ")") : "off";
        }
    }

    /** {@code CARAVAN_S3_SSE} for SSE-S3: the store encrypts with keys it manages. */
    public static final String SSE_S3 = "AES256";
    /** {@code CARAVAN_S3_SSE} for SSE-KMS: the store encrypts with {@code CARAVAN_S3_SSE_KMS_KEY}. */
    public static final String SSE_KMS = "aws:kms";

    /**
     * The API's HTTPS: a PEM certificate chain and its PKCS#8 key, or a PKCS#12 keystore; with
     * {@code required}, a node that is given neither does not start.
     */
    public record Tls(Path cert, Path key, Path keystore, String keystorePassword, boolean required) {
        public Tls {
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("CARAVAN_TLS_CERT and CARAVAN_TLS_KEY go together: "
                        + (cert == null ? "CARAVAN_TLS_KEY" : "CARAVAN_TLS_CERT") + " is set, the other is not");
            }
            if (cert != null && keystore != null) {
                throw new IllegalArgumentException("give either CARAVAN_TLS_CERT and CARAVAN_TLS_KEY or"
                        + " CARAVAN_TLS_KEYSTORE, not both");
            }
            if (required && cert == null && keystore == null) { // the fields are not set yet here
                throw new IllegalArgumentException("CARAVAN_TLS_REQUIRED is true, but no certificate is given:"
                        + " set CARAVAN_TLS_CERT and CARAVAN_TLS_KEY, or CARAVAN_TLS_KEYSTORE");
            }
        }

        /** Whether the API serves HTTPS. */
        public boolean enabled() {
            return cert != null || keystore != null;
        }

        /** Never the keystore's password. */
        @Override
        public String toString() {
            return enabled() ? "https" : "http";
        }
    }

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
                new EgressPolicy(r.blocks("CARAVAN_EGRESS_DENY", "link-local"), r.blocks("CARAVAN_EGRESS_ALLOW", "none")),

                new Tls(r.path("CARAVAN_TLS_CERT"), r.path("CARAVAN_TLS_KEY"), r.path("CARAVAN_TLS_KEYSTORE"),
                        r.text("CARAVAN_TLS_KEYSTORE_PASSWORD", null), r.bool("CARAVAN_TLS_REQUIRED", false)),
                r.text("CARAVAN_S3_SSE", null),
                r.text("CARAVAN_S3_SSE_KMS_KEY", null),
                new Housekeeping(r.duration("CARAVAN_RETENTION", "P30D"), r.duration("CARAVAN_HOUSEKEEPING_INTERVAL", "PT1M")),
                new Http(r.bytes("CARAVAN_API_MAX_BODY", "10MiB"), r.bytes("CARAVAN_WEBHOOK_MAX_BODY", "1MiB"),
                        Http.origins(r.text("CARAVAN_CORS_ORIGINS", ""))),

                new Jolokia(r.integer("CARAVAN_JOLOKIA_PORT", 0), r.text("CARAVAN_JOLOKIA_HOST", "127.0.0.1"),
                        r.text("CARAVAN_JOLOKIA_USER", null), r.text("CARAVAN_JOLOKIA_PASSWORD", null)),

                // GET /metrics is open like /health unless this asks for a token of any role
                r.bool("CARAVAN_METRICS_AUTH", false),

                // a link in the web console to the Hawtio that watches this node (it reaches Jolokia)
                r.text("CARAVAN_HAWTIO_URL", null));
    }

    public CaravanConfig {
        if (heartbeat.isZero() || heartbeat.isNegative() || heartbeat.multipliedBy(3).compareTo(leaseExpiry) > 0) {
            throw new IllegalArgumentException("CARAVAN_HEARTBEAT_SECONDS (" + heartbeat.toSeconds()
                    + ") must be positive and at most a third of CARAVAN_LEASE_SECONDS (" + leaseExpiry.toSeconds() + ")");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("CARAVAN_WORKERS must be at least 1, got " + workers);
        }
        checkEncryption(s3Encryption, s3KmsKey, s3Endpoint);
        hawtioUrl = io.caravan.runtime.console.ConsoleSettings.checkHawtioUrl(hawtioUrl);
    }

    /**
     * CARAVAN_S3_SSE needs an S3 server that encrypts: the embedded one does not, so it is refused
     * there rather than left to look encrypted. SSE-KMS needs its key and, as S3 and MinIO demand,
     * an https endpoint (the MinIO client refuses every such write over http).
     */
    private static void checkEncryption(String sse, String kmsKey, String endpoint) {
        if (sse == null) {
            if (kmsKey != null) {
                throw new IllegalArgumentException("CARAVAN_S3_SSE_KMS_KEY is set, but CARAVAN_S3_SSE is not '" + SSE_KMS + "'");
            }
            return;
        }
        if (!sse.equals(SSE_S3) && !sse.equals(SSE_KMS)) {
            throw new IllegalArgumentException("CARAVAN_S3_SSE must be " + SSE_S3 + " or " + SSE_KMS + ", got '" + sse + "'");
        }
        if (endpoint == null) {
            throw new IllegalArgumentException("CARAVAN_S3_SSE needs an S3 server that encrypts (CARAVAN_S3_ENDPOINT);"
                    + " the embedded one does not");
        }
        if (sse.equals(SSE_KMS) && kmsKey == null) {
            throw new IllegalArgumentException("CARAVAN_S3_SSE=" + SSE_KMS + " needs CARAVAN_S3_SSE_KMS_KEY, the key's id");
        }
        if (sse.equals(SSE_S3) && kmsKey != null) {
            throw new IllegalArgumentException("CARAVAN_S3_SSE_KMS_KEY is set, but CARAVAN_S3_SSE is not '" + SSE_KMS + "'");
        }
        if (sse.equals(SSE_KMS) && !endpoint.toLowerCase(Locale.ROOT).startsWith("https://")) {
            throw new IllegalArgumentException("CARAVAN_S3_SSE=" + SSE_KMS + " needs an https CARAVAN_S3_ENDPOINT, got "
                    + endpoint);
        }
    }

    /** Never the admin token, the master key or passwords. */
    @Override
    public String toString() {
        return "CaravanConfig[port=" + httpPort + ", dataDir=" + dataDir + ", db=" + (dbUrl == null ? "embedded" : dbUrl)
                + ", s3=" + (s3Endpoint == null ? "embedded" : s3Endpoint) + ", workers=" + workers + ", node=" + nodeId
                + ", egress=" + egress + ", api=" + tls + ", sse=" + (s3Encryption == null ? "off" : s3Encryption) + ", jolokia=" + jolokia + "]";
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

        Path path(String key) {
            String v = text(key, null);
            return v == null ? null : Path.of(v).toAbsolutePath().normalize();
        }

        boolean bool(String key, boolean fallback) {
            String v = text(key, null);
            if (v == null) {
                return fallback;
            }
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
            }
            return Boolean.parseBoolean(v);
        }

        /** A size: a whole number of bytes, or with a unit KiB, MiB or GiB ({@code 512KiB}, {@code 10MiB}). */
        long bytes(String key, String fallback) {
            String v = text(key, fallback);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})\\s*(|B|KiB|MiB|GiB)",
                    java.util.regex.Pattern.CASE_INSENSITIVE).matcher(v);
            if (!m.matches()) {
                throw new IllegalArgumentException(key + " must be a size in bytes, or with KiB, MiB or GiB such as 10MiB,"
                        + " got '" + v + "'");
            }
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "kib" -> 10;
                case "mib" -> 20;
                case "gib" -> 30;
                default -> 0;
            };
            long number = Long.parseLong(m.group(1)); // at most 12 digits
            long size = number >= 1L << 31 ? Long.MAX_VALUE : number << shift;
            if (size < 1 || size >= 1L << 31) { // Vert.x holds a body in one buffer
                throw new IllegalArgumentException(key + " must be at least 1 byte and less than 2GiB, got '" + v + "'");
            }
            return size;
        }

        java.time.Duration duration(String key, String fallback) {
            String v = text(key, fallback);
            try {
                return java.time.Duration.parse(v);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as P30D or PT10M, got '" + v + "'");
            }
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
