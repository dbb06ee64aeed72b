package io.caravan.runtime.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * The embedded S3-compatible server of the default set-up (s3proxy): objects as files under
 * {@code <data dir>/s3}, on a free loopback port, with fixed local credentials.
 */
public final class EmbeddedObjectStore implements AutoCloseable {

    /** Access key of the embedded server (it listens on loopback only). */
    public static final String ACCESS_KEY = "caravan-local";
    /** Secret key of the embedded server. */
    public static final String SECRET_KEY = "caravan-local-secret";

    private final S3Proxy proxy;

    private EmbeddedObjectStore(S3Proxy proxy) {
        this.proxy = proxy;
    }

    /** Starts the server with its objects in {@code dir}, on a free port. */
    public static EmbeddedObjectStore start(Path dir) throws Exception {
        return start(dir, 0);
    }

    /**
     * Starts the server with its objects in {@code dir} on {@code port}, or on another free port
     * when that one was taken meanwhile (0: any free port).
     */
    public static EmbeddedObjectStore start(Path dir, int port) throws Exception {
        try {
            return startOn(dir, port);
        } catch (Exception e) {
            if (port == 0 || !isBindFailure(e)) {
                throw e;
            }
            return startOn(dir, 0);
        }
    }

    /** A port free now, to name the endpoint before the server is up. */
    public static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The endpoint URL of a server on {@code port}. */
    public static String endpoint(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private static EmbeddedObjectStore startOn(Path dir, int port) throws Exception {
        Files.createDirectories(dir);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create(endpoint(port)))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("embedded S3 server did not start: " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            try {
                proxy.stop(); // its threads, whatever started of it
            } catch (Exception stopping) {
                e.addSuppressed(stopping);
            }
            throw e;
        }
        return new EmbeddedObjectStore(proxy);
    }

    /** The endpoint URL. */
    public String endpoint() {
        return endpoint(proxy.getPort());
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
