package io.caravan.runtime.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * The servers every node of a {@link Cluster} shares, run inside the test JVM: one PostgreSQL
 * (zonky, databases {@code caravan} and {@code local}) and one S3 server (s3proxy over a
 * directory). Each can be stopped and started again on the same port with the same data, so
 * the nodes, which keep their configured URLs, see an outage and a recovery.
 */
public final class SharedServices implements AutoCloseable {

    /** PostgreSQL user (zonky's initdb trusts every local connection, so the password is not checked). */
    public static final String DB_USER = "postgres";
    /** PostgreSQL password. */
    public static final String DB_PASSWORD = "postgres";
    /** The database holding Caravan's own tables. */
    public static final String CARAVAN_DB = "caravan";
    /** The database jobs reach as connection {@code local}. */
    public static final String LOCAL_DB = "local";
    /** S3 access key the nodes are given. */
    public static final String S3_ACCESS_KEY = "cluster-access";
    /** S3 secret key the nodes are given. */
    public static final String S3_SECRET_KEY = "cluster-secret-key";
    /** The bucket the nodes use; created up front so that nodes starting together do not race to create it. */
    public static final String S3_BUCKET = "caravan";

    private static final Duration STOP_WAIT = Duration.ofSeconds(15);

    private final Path postgresDir;
    private final Path s3Dir;
    private final Path postgresLog;
    private final int postgresPort;
    private final int s3Port;
    private EmbeddedPostgres postgres;
    private long postmasterPid;
    private S3Proxy s3;

    private SharedServices(Path dir, Path postgresLog) throws IOException {
        this.postgresDir = Files.createDirectories(dir.resolve("postgres"));
        this.s3Dir = Files.createDirectories(dir.resolve("s3"));
        this.postgresLog = postgresLog;
        Files.createDirectories(postgresLog.getParent());
        Files.deleteIfExists(postgresLog); // a file left by an earlier build; appended to from here on
        // chosen once: a restarted server must come back where the nodes look for it
        this.postgresPort = Ports.free();
        this.s3Port = Ports.free();
    }

    /**
     * Starts PostgreSQL and S3 with their data under {@code dir}; the PostgreSQL server log goes
     * to {@code postgresLog} (appended across restarts).
     */
    public static SharedServices start(Path dir, Path postgresLog) throws Exception {
        SharedServices services = new SharedServices(dir, postgresLog);
        try {
            services.startPostgres();
            services.createDatabases();
            services.startS3();
            return services;
        } catch (Exception | Error e) {
            services.close();
            throw e;
        }
    }

    /** Starts PostgreSQL on its port over its data directory (the first time, initdb fills it). */
    public synchronized void startPostgres() throws IOException {
        if (postgres != null) {
            throw new IllegalStateException("PostgreSQL is already running");
        }
        ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(postgresLog.toFile());
        try {
            postgres = startEmbedded(log);
        } catch (IOException | RuntimeException e) {
            // zonky may have started a postmaster before it gave up waiting, and returns no handle to stop it
            stopOrphanedPostmaster();
            throw e;
        }
        // pg_ctl detaches the postmaster: its pid is only in the data directory
        postmasterPid = Long.parseLong(Files.readAllLines(postgresDir.resolve("postmaster.pid")).get(0).trim());
    }

    private EmbeddedPostgres startEmbedded(ProcessBuilder.Redirect log) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(postgresDir)
                // zonky runs initdb only when postgresql.conf is missing, and deletes the directory
                // on close unless told not to: this is what keeps the data across a restart
                .setCleanDataDirectory(false)
                .setPort(postgresPort)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                .start();
    }

    private void stopOrphanedPostmaster() {
        try {
            long pid = Long.parseLong(Files.readAllLines(postgresDir.resolve("postmaster.pid")).get(0).trim());
            if (!Signals.ended(pid)) {
                Signals.send(pid, "QUIT");
                Signals.awaitEnded(pid, STOP_WAIT);
            }
        } catch (IOException | RuntimeException e) {
            // no postmaster.pid: nothing was started
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops PostgreSQL (a fast shutdown: sessions are ended, the nodes see their connections
     * drop) and returns once the postmaster has exited and the port refuses connections.
     */
    public synchronized void stopPostgres() throws IOException, InterruptedException {
        if (postgres == null) {
            return;
        }
        EmbeddedPostgres running = postgres;
        postgres = null;
        // zonky runs "pg_ctl stop -m fast -t 5" and only logs a failure, so check the outcome here
        running.close();
        if (!Signals.awaitEnded(postmasterPid, STOP_WAIT)) {
            // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster takes its backends with it,
            // which a SIGKILL would not do (they would keep the shared memory and block a restart)
            Signals.send(postmasterPid, "QUIT");
            if (!Signals.awaitEnded(postmasterPid, STOP_WAIT)) {
                throw new IllegalStateException("the postmaster " + postmasterPid + " did not stop");
            }
        }
        if (!Ports.awaitClosed(postgresPort, STOP_WAIT)) {
            throw new IllegalStateException("PostgreSQL port " + postgresPort + " still accepts connections after stop");
        }
    }

    /** Stops PostgreSQL, waits {@code down}, and starts it again on the same port and data. */
    public void restartPostgres(Duration down) throws IOException, InterruptedException {
        stopPostgres();
        Thread.sleep(down.toMillis());
        startPostgres();
    }

    /** Whether PostgreSQL is running (as far as this harness started and stopped it). */
    public synchronized boolean postgresRunning() {
        return postgres != null;
    }

    /** Starts the S3 server on its port over its directory; objects written before are there again. */
    public synchronized void startS3() throws Exception {
        if (s3 != null) {
            throw new IllegalStateException("S3 is already running");
        }
        FilesystemNio2BlobStore store = new FilesystemNio2BlobStore(s3Dir.toString());
        if (!store.containerExists(S3_BUCKET)) {
            store.createContainer(S3_BUCKET);
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + s3Port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, S3_ACCESS_KEY, S3_SECRET_KEY)
                // s3proxy 4.1 stops gracefully by default: stop() lets requests in flight finish (up
                // to 30 s) and took ~2 s with just an idle keep-alive connection open; an outage
                // must cut connections at once, as a dying server would
                .stopTimeout(0)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        s3 = proxy;
    }

    /**
     * Stops the S3 server and returns once its port refuses new connections and an idle
     * keep-alive connection, like those pooled by the nodes' clients, has been closed by it.
     */
    public synchronized void stopS3() throws Exception {
        if (s3 == null) {
            return;
        }
        S3Proxy running = s3;
        s3 = null;
        try (Socket before = keptAlive()) {
            running.stop();
            if (!Ports.awaitClosed(s3Port, STOP_WAIT)) {
                throw new IllegalStateException("S3 port " + s3Port + " still accepts connections after stop()");
            }
            if (!closedByPeer(before)) {
                throw new IllegalStateException("s3proxy kept a connection open after stop()");
            }
        }
    }

    /** Stops S3, waits {@code down}, and starts it again on the same port and directory. */
    public void restartS3(Duration down) throws Exception {
        stopS3();
        Thread.sleep(down.toMillis());
        startS3();
    }

    /** Whether the S3 server is running. */
    public synchronized boolean s3Running() {
        return s3 != null;
    }

    /** Caravan's own database. */
    public SqlDatabase caravanDb() {
        return database(CARAVAN_DB);
    }

    /** An object of the nodes' bucket, read as JSON. */
    public com.fasterxml.jackson.databind.JsonNode object(String key) throws Exception {
        io.minio.MinioClient client = io.minio.MinioClient.builder().endpoint("http://127.0.0.1:" + s3Port)
                .credentials(S3_ACCESS_KEY, S3_SECRET_KEY).region("us-east-1").build();
        try (InputStream in = client.getObject(io.minio.GetObjectArgs.builder().bucket(S3_BUCKET).object(key).build())) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        }
    }

    /** The database behind the jobs' {@code local} connection. */
    public SqlDatabase localDb() {
        return database(LOCAL_DB);
    }

    /** A database of the shared PostgreSQL by name. */
    public SqlDatabase database(String name) {
        return new SqlDatabase("jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + name, DB_USER, DB_PASSWORD);
    }

    /** The S3 endpoint URL. */
    public String s3Endpoint() {
        return "http://127.0.0.1:" + s3Port;
    }

    /** PostgreSQL's port, the same across restarts. */
    public int postgresPort() {
        return postgresPort;
    }

    /** The S3 server's port, the same across restarts. */
    public int s3Port() {
        return s3Port;
    }

    /** Where the PostgreSQL server writes its log. */
    public Path postgresLog() {
        return postgresLog;
    }

    /** Stops both servers; the data directories are left to the caller. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        try {
            stopS3();
        } catch (Exception e) {
            failure = e;
        }
        try {
            stopPostgres();
        } catch (Exception e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void createDatabases() throws SQLException {
        SqlDatabase admin = database("postgres");
        for (String name : List.of(CARAVAN_DB, LOCAL_DB)) {
            if (admin.query("select 1 from pg_database where datname = ?", name).isEmpty()) {
                // DDL takes no bind parameters; the names are the constants above, never input
                admin.update("create database " + name);
            }
        }
    }

    /**
     * A connection to S3 that has been served one request and is kept alive. Not a bare connect:
     * one made just before stop() races Jetty's accept and was left open 3 times in 40 when
     * tried, a flaw of such a probe, not something a client with pooled connections sees.
     */
    private Socket keptAlive() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", s3Port), 2_000);
            socket.setSoTimeout(5_000);
            // unsigned, so a 403 with no body; s3proxy keeps the connection open after it
            socket.getOutputStream().write("HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("S3 closed the connection before answering: " + head);
                }
                head.append((char) c);
            }
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Whether the server has closed this connection: a read sees end of stream or a reset, not a timeout. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        try (InputStream in = socket.getInputStream()) {
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
