package io.caravan.connectors.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.MinioClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server-side encryption as the store receives it: s3proxy does not encrypt, so a recording proxy
 * in front of it shows the headers of every PUT — a whole object, a stream, a conditional write.
 */
class ObjectStoreEncryptionTest {

    private static final String SSE = "x-amz-server-side-encryption";

    @TempDir
    Path dir;

    private S3Proxy s3;
    private RecordingProxy proxy;
    private DefaultCamelContext camel;

    @BeforeEach
    void start() throws Exception {
        s3 = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0")).awsAuthentication(AuthenticationType.NONE, null, null).build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.sleep(10);
        }
        proxy = new RecordingProxy("http://127.0.0.1:" + s3.getPort());
        camel = new DefaultCamelContext();
        camel.getRegistry().bind(ObjectStore.CLIENT_BEAN,
                S3Clients.client(proxy.endpoint(), "test", "test-secret", "us-east-1"));
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        proxy.close();
        s3.stop();
    }

    @Test
    void everyWriteAsksForSseS3WhenConfigured() {
        ObjectStore store = new ObjectStore(camel, "caravan", ObjectStore.encryption("AES256", null));
        writeEachWay(store);

        List<RecordingProxy.Request> puts = puts();
        assertThat(puts).extracting(RecordingProxy.Request::path).containsOnly("/caravan/jobs/a/definition.json",
                "/caravan/jobs/a/executions/1/files/big.csv", "/caravan/jobs/a/executions/1/context.json");
        assertThat(puts).allSatisfy(put -> assertThat(put.headers()).containsEntry(SSE, "AES256"));
        assertThat(new String(store.get("jobs/a/executions/1/context.json"), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
    }

    @Test
    void withoutEncryptionNoWriteCarriesTheHeader() {
        writeEachWay(new ObjectStore(camel, "caravan"));

        assertThat(puts()).extracting(RecordingProxy.Request::path).contains("/caravan/jobs/a/definition.json",
                "/caravan/jobs/a/executions/1/files/big.csv", "/caravan/jobs/a/executions/1/context.json");
        assertThat(puts()).allSatisfy(put -> assertThat(put.headers()).doesNotContainKey(SSE));
    }

    @Test
    void sseKmsNamesItsKey() {
        assertThat(ObjectStore.encryption("aws:kms", "caravan-key").headers())
                .containsEntry("X-Amz-Server-Side-Encryption", "aws:kms")
                .containsEntry("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "caravan-key");
        assertThat(ObjectStore.encryption(null, null)).isNull();
    }

    /** A definition (whole), a file (streamed) and a context written twice (conditionally). */
    private static void writeEachWay(ObjectStore store) {
        store.put("jobs/a/definition.json", "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        byte[] file = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        store.putStream("jobs/a/executions/1/files/big.csv", new ByteArrayInputStream(file), file.length, "text/csv");
        String version = store.putIf("jobs/a/executions/1/context.json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8),
                "application/json", null);
        store.putIf("jobs/a/executions/1/context.json", "{\"n\":2}".getBytes(StandardCharsets.UTF_8), "application/json",
                version);
    }

    private List<RecordingProxy.Request> puts() {
        // a PUT of the bucket itself (no key) makes it; only object writes count here
        return proxy.requests().stream().filter(r -> r.method().equals("PUT") && r.path().indexOf('/', 1) > 0).toList();
    }
}
