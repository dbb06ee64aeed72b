package io.caravan.runtime.connections;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Session;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * {@code POST /connections/{name}/test}: each kind tried for real, the way steps use it. jdbc
 * opens a session and runs {@code select 1}; sftp logs in (host key checked) and lists the home
 * directory; ssh logs in; s3 asks whether the bucket exists; http sends a GET to the base URL
 * with the connection's credentials and headers (an answer below 400 counts); winrm sends WS-Management's Identify to
 * {@code /wsman} with the credentials (200 means they were taken).
 */
final class ConnectionTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String IDENTIFY = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\""
            + " xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\">"
            + "<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>";

    /** What a test found: whether it worked, and what was seen or went wrong. */
    record Outcome(boolean ok, String detail) {
    }

    private ConnectionTests() {
    }

    static Outcome test(ConnectionStore.Connection c) {
        try {
            return switch (ConnectionKind.of(c.type())) {
                case JDBC -> jdbc(c);
                case SFTP -> sftp(c);
                case SSH -> ssh(c);
                case S3 -> s3(c);
                case HTTP -> http(c);
                case WINRM -> winrm(c);
            };
        } catch (Exception e) {
            return new Outcome(false, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static Outcome jdbc(ConnectionStore.Connection c) throws Exception {
        try (var session = java.sql.DriverManager.getConnection((String) c.config().get("url"),
                (String) c.config().get("username"), c.secrets().get("password"));
                var statement = session.createStatement()) {
            statement.execute("select 1");
            return new Outcome(true, "select 1 ran");
        }
    }

    private static Outcome sftp(ConnectionStore.Connection c) throws Exception {
        Session session = SshSessions.open(c);
        try {
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect((int) TIMEOUT.toMillis());
            try {
                return new Outcome(true, "logged in; " + sftp.ls(".").size() + " entries in " + sftp.pwd());
            } finally {
                sftp.disconnect();
            }
        } finally {
            session.disconnect();
        }
    }

    private static Outcome ssh(ConnectionStore.Connection c) throws Exception {
        Session session = SshSessions.open(c);
        try {
            return new Outcome(true, "logged in; server " + session.getServerVersion());
        } finally {
            session.disconnect();
        }
    }

    private static Outcome s3(ConnectionStore.Connection c) throws Exception {
        // S3's default region unless one is set: without it the client asks the server for the bucket's
        // region first, which S3-compatible servers answer in different ways
        MinioClient client = io.caravan.connectors.storage.S3Clients.client((String) c.config().get("endpoint"),
                (String) c.config().get("accessKey"), c.secrets().get("secretKey"),
                String.valueOf(c.config().getOrDefault("region", "us-east-1")));
        String bucket = (String) c.config().get("bucket");
        boolean exists = client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        return new Outcome(exists, exists ? "bucket " + bucket + " is there" : "no bucket " + bucket);
    }

    private static Outcome http(ConnectionStore.Connection c) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((String) c.config().get("base_url")))
                .timeout(TIMEOUT).GET();
        authorize(c, request);
        if (c.config().get("headers") instanceof java.util.Map<?, ?> headers) {
            headers.forEach((name, value) -> request.header(String.valueOf(name), String.valueOf(value)));
        }
        int status = client(c).send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        return new Outcome(status < 400, status == 401 || status == 403 ? "the credentials were refused (" + status + ")"
                : "answered " + status);
    }

    private static Outcome winrm(ConnectionStore.Connection c) throws Exception {
        boolean https = Boolean.parseBoolean(String.valueOf(c.config().getOrDefault("https", "false")));
        Object port = c.config().getOrDefault("port", https ? 5986 : 5985);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((https ? "https://" : "http://")
                + c.config().get("host") + ":" + port + "/wsman")).timeout(TIMEOUT)
                .header("Content-Type", "application/soap+xml;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(IDENTIFY));
        authorize(c, request);
        int status = client(c).send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        return new Outcome(status == 200, status == 200 ? "WS-Management answered Identify"
                : status == 401 ? "the credentials were refused (401)" : "answered " + status);
    }

    private static void authorize(ConnectionStore.Connection c, HttpRequest.Builder request) {
        String token = c.secrets().get("token");
        String password = c.secrets().get("password");
        Object user = c.secrets().containsKey("username") ? c.secrets().get("username") : c.config().get("username");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        } else if (password != null && user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** A client that verifies TLS against the connection's {@code ca}, else the JVM's trust store, as steps do. */
    private static HttpClient client(ConnectionStore.Connection c) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
        if (c.config().get("ca") instanceof String ca) {
            builder.sslContext(io.caravan.connectors.tls.TrustedCertificates.sslContext(ca, "config.ca"));
        }
        return builder.build();
    }
}
