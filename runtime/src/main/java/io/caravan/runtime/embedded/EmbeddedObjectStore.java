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

    /** Starts the server with its objects in {@code dir}. */
    public static EmbeddedObjectStore start(Path dir) throws Exception {
        Files.createDirectories(dir);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("embedded S3 server did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new EmbeddedObjectStore(proxy);
    }

    /** The endpoint URL. */
    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
