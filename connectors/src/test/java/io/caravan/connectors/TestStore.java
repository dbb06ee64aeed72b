package io.caravan.connectors;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.storage.ObjectStore;
import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Path;
import org.apache.camel.impl.DefaultCamelContext;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/** A real S3 server (s3proxy over a folder) and a CamelContext whose steps keep their files in it. */
public final class TestStore implements AutoCloseable {

    private final S3Proxy s3;
    private final DefaultCamelContext camel;
    private final ObjectStore store;

    private TestStore(S3Proxy s3, DefaultCamelContext camel, ObjectStore store) {
        this.s3 = s3;
        this.camel = camel;
        this.store = store;
    }

    /** Starts both over {@code dir}. */
    public static TestStore start(Path dir) throws Exception {
        S3Proxy s3 = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test", "test-secret")
                .build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.sleep(10);
        }
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind(ObjectStore.CLIENT_BEAN, MinioClient.builder()
                .endpoint("http://127.0.0.1:" + s3.getPort()).credentials("test", "test-secret").region("us-east-1")
                .build());
        ObjectStore store = new ObjectStore(camel, "caravan");
        camel.getRegistry().bind(ExecutionFiles.BEAN, store);
        camel.start();
        return new TestStore(s3, camel, store);
    }

    public DefaultCamelContext camel() {
        return camel;
    }

    /** The S3 server's endpoint; its keys are test / test-secret. */
    public String endpoint() {
        return "http://127.0.0.1:" + s3.getPort();
    }

    public ObjectStore store() {
        return store;
    }

    @Override
    public void close() throws Exception {
        camel.stop();
        s3.stop();
    }
}
