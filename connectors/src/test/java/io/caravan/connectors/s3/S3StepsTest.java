package io.caravan.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.step.StepException;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The s3 steps against a real S3 server (s3proxy): Caravan's endpoint, a named connection, and the guard on Caravan's own bucket. */
class S3StepsTest {

    @TempDir
    static Path dir;
    private static TestStore store;

    private final TestCall call = TestCall.of(store.camel(), "archive");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir);
        MinioClient client = store.camel().getRegistry().lookupByNameAndType(ObjectStore.CLIENT_BEAN, MinioClient.class);
        for (String bucket : List.of("caravan", "crm-archive", "other")) {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        store.camel().getRegistry().bind(ConnectionSettings.bean("archive"), ConnectionSettings.class,
                new ConnectionSettings("archive", "s3", Map.of("endpoint", store.endpoint(), "bucket", "other",
                        "accessKey", "test"), Map.of("secretKey", "test-secret")));
        store.camel().getRegistry().bind(ConnectionSettings.bean("db"), ConnectionSettings.class,
                new ConnectionSettings("db", "jdbc", Map.of("url", "jdbc:postgresql://x/y"), Map.of()));
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object output) {
        return (Map<String, Object>) output;
    }

    private Map<String, Object> put(String connection, String bucket, String key, Object body, Object file)
            throws Exception {
        return map(new S3PutStep().run(new S3PutConfig(connection, bucket, key, body, file, null), call));
    }

    private String read(Object file) throws Exception {
        try (InputStream in = ExecutionFiles.of(call).open(file, "file")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void putsGetsListsCopiesAndDeletesAsTheCrmExampleDoes() throws Exception {
        Map<String, Object> put = put(null, "crm-archive", "customers/42.json", new java.util.TreeMap<>(Map.of("id", 42, "name", "Ann")), null);
        assertThat(put).containsEntry("bucket", "crm-archive").containsEntry("key", "customers/42.json")
                .containsEntry("size", 22L);
        assertThat(put.get("etag")).isNotNull();

        Map<String, Object> got = map(new S3GetStep().run(new S3GetConfig(null, "crm-archive", "customers/42.json", null),
                call));
        assertThat(map(got.get("file"))).containsEntry("filename", "42.json");
        assertThat(read(got.get("file"))).isEqualTo("{\"id\":42,\"name\":\"Ann\"}");

        new S3CopyStep().run(new S3CopyConfig(null, "crm-archive", "customers/42.json", null, "customers/42-copy.json"),
                call);
        put(null, "crm-archive", "other/1.txt", "text", null);
        Map<String, Object> listed = map(new S3ListStep().run(new S3ListConfig(null, "crm-archive", "customers/", null,
                null), call));
        assertThat((List<Map<String, Object>>) listed.get("objects")).extracting(o -> o.get("key"))
                .containsExactly("customers/42-copy.json", "customers/42.json");
        assertThat(map(new S3ListStep().run(new S3ListConfig(null, "crm-archive", null, null, 1), call)))
                .containsEntry("count", 1).containsEntry("truncated", true);

        new S3DeleteStep().run(new S3DeleteConfig(null, "crm-archive", null, List.of("customers/42.json",
                "customers/42-copy.json")), call);
        assertThat(map(new S3ListStep().run(new S3ListConfig(null, "crm-archive", "customers/", null, null), call)))
                .containsEntry("count", 0);
    }

    @Test
    void aFileOfTheExecutionIsStreamedToAConnectionsBucket() throws Exception {
        Map<String, Object> file = ExecutionFiles.of(call).write("report.csv", "file", out -> {
            out.write("a,b\r\n1,2\r\n".getBytes(StandardCharsets.UTF_8));
            return 1L;
        });
        Map<String, Object> put = put("archive", null, "reports/report.csv", null, file);
        assertThat(put).containsEntry("bucket", "other").containsEntry("size", 10L);

        Map<String, Object> got = map(new S3GetStep().run(new S3GetConfig("archive", null, "reports/report.csv",
                "copy.csv"), call));
        assertThat(read(got.get("file"))).isEqualTo("a,b\r\n1,2\r\n");
    }

    @Test
    void caravansOwnBucketMissingObjectsAndWrongConnectionsAreRefusedClearly() {
        store.camel().getRegistry().bind(ExecutionFiles.BEAN, new ObjectStore(store.camel(), "caravan"));
        assertThatThrownBy(() -> put(null, "caravan", "jobs/x/definition.json", "{}", null))
                .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.type()).isEqualTo("s3.forbidden"));
        assertThatThrownBy(() -> new S3GetStep().run(new S3GetConfig(null, "crm-archive", "nothing.json", null), call))
                .isInstanceOfSatisfying(StepException.class, e -> {
                    assertThat(e.type()).isEqualTo("s3.missing");
                    assertThat(e.getMessage()).contains("s3://crm-archive/nothing.json");
                });
        assertThatThrownBy(() -> put(null, "no-such-bucket", "a", "x", null))
                .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.type()).isEqualTo("s3.missing"));
        assertThatThrownBy(() -> put("db", null, "a", "x", null)).isInstanceOf(StepException.class)
                .hasMessageContaining("connection 'db' is of type jdbc");
        assertThatThrownBy(() -> new S3GetStep().run(new S3GetConfig(null, "crm-archive", "a/..", null), call))
                .isInstanceOf(StepException.class).hasMessageContaining("saveAs");
    }
}
