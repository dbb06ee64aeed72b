package io.caravan.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problem;
import io.caravan.job.validation.Problems;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Buckets and keys of the s3 steps as a caller could make them through a parameter: none reaches
 * Caravan's own bucket (another job's definitions and checkpoints), none carries options into the
 * camel-minio endpoint, and a key's {@code ..} never climbs into another bucket.
 */
class S3InjectionTest {

    private static final String VICTIM = "jobs/victim/definition.json";

    @TempDir
    static Path dir;
    private static TestStore store;
    private static MinioClient client;
    private final TestCall call = TestCall.of(store.camel(), "probe");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir);
        client = store.camel().getRegistry().lookupByNameAndType(ObjectStore.CLIENT_BEAN, MinioClient.class);
        for (String bucket : List.of("caravan", "other")) {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        put("caravan", VICTIM, "{\"secret\":true}");
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
    }

    private static void put(String bucket, String key, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }

    /** Buckets that try to reach Caravan's own bucket or to set endpoint options. */
    private static final List<String> HOSTILE_BUCKETS = List.of(
            "caravan?minioClient=%23caravan-minio&region=",
            "other?minioClient=%23caravan-minio",
            "other&operation=deleteBucket",
            "caravan#x",
            "Caravan",
            "caravan/",
            "other/../caravan",
            "..",
            "caravan..x",
            " caravan",
            "caravan\u0000",
            "caravan\n",
            "ca",
            "c".repeat(64),
            "caravan%00",
            "ｃａｒａｖａｎ");

    @Test
    void everyHostileBucketIsRefusedNamingItsFieldBeforeAnyRequest() throws Exception {
        int refused = 0;
        for (String bucket : HOSTILE_BUCKETS) {
            Throwable get = catchThrowable(() -> new S3GetStep().run(new S3GetConfig(null, bucket, VICTIM, "x.json"), call));
            assertThat(get).as("s3.get from bucket %s", bucket).isInstanceOfSatisfying(StepException.class, e -> {
                assertThat(e.type()).isEqualTo("config");
                assertThat(e).hasMessageStartingWith("bucket: '").hasMessageContaining("is not an S3 bucket name");
            });
            Throwable copy = catchThrowable(() -> new S3CopyStep().run(
                    new S3CopyConfig(null, "other", "a.json", bucket, "stolen.json"), call));
            assertThat(copy).as("s3.copy to bucket %s", bucket).isInstanceOfSatisfying(StepException.class,
                    e -> assertThat(e).hasMessageStartingWith("toBucket: '"));
            Problems problems = new Problems();
            new S3ListStep().check(new S3ListConfig(null, bucket, null, null, null), problems.at(".steps[0]"));
            assertThat(problems.list()).extracting(Problem::path).as("saved with bucket %s", bucket)
                    .containsExactly("$.steps[0].bucket");
            refused += 3;
        }
        assertThat(refused).isEqualTo(HOSTILE_BUCKETS.size() * 3);
        System.out.printf("s3 injection: %d hostile buckets, %d attempts (get, copy, save) refused%n",
                HOSTILE_BUCKETS.size(), refused);
    }

    @Test
    void caravansOwnBucketStaysOutOfReachAndAnExpressionIsCheckedOnlyWhenRendered() {
        Throwable own = catchThrowable(() -> new S3GetStep().run(new S3GetConfig(null, "caravan", VICTIM, null), call));
        assertThat(own).isInstanceOfSatisfying(StepException.class, e -> assertThat(e.type()).isEqualTo("s3.forbidden"));
        Problems problems = new Problems();
        new S3GetStep().check(new S3GetConfig(null, "{{ params.bucket }}", "k", null), problems);
        assertThat(problems.list()).isEmpty();
    }

    /** Keys that try to climb out of the bucket named. */
    @Test
    void aKeyNeverClimbsIntoAnotherBucket() throws Exception {
        put("other", "%2e%2e/caravan/" + VICTIM, "literal");
        List<String> climbing = List.of("../caravan/" + VICTIM, "a/../../caravan/" + VICTIM, "./../caravan/" + VICTIM,
                "a/./b", "..");
        for (String key : climbing) {
            Throwable e = catchThrowable(() -> new S3GetStep().run(new S3GetConfig(null, "other", key, "x.json"), call));
            assertThat(e).as("key %s", key).isInstanceOf(StepException.class)
                    .hasMessageContaining("'.' or '..' path segment");
            Throwable put = catchThrowable(() -> new S3PutStep().run(
                    new S3PutConfig(null, "other", key, "overwritten", null, null), call));
            assertThat(put).as("put key %s", key).isInstanceOf(StepException.class);
        }
        // encoded dots and backslashes are a name like any other: the object of that very name, or none
        Map<?, ?> literal = (Map<?, ?>) new S3GetStep().run(
                new S3GetConfig(null, "other", "%2e%2e/caravan/" + VICTIM, "lit.json"), call);
        assertThat(literal.get("key")).isEqualTo("%2e%2e/caravan/" + VICTIM);
        for (String key : List.of("..%2fcaravan/" + VICTIM, "..\\caravan\\" + VICTIM, "\u2025/caravan/" + VICTIM)) {
            Throwable e = catchThrowable(() -> new S3GetStep().run(new S3GetConfig(null, "other", key, "y.json"), call));
            assertThat(e).as("key %s", key).isInstanceOfSatisfying(StepException.class,
                    s -> assertThat(s).hasMessageContaining("NoSuchKey"));
        }
        try (var in = client.getObject(GetObjectArgs.builder().bucket("caravan").object(VICTIM).build())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).as("own bucket untouched")
                    .isEqualTo("{\"secret\":true}");
        }
        System.out.printf("s3 injection: %d climbing keys refused (get and put), 4 encoded ones read literally%n",
                climbing.size());
    }
}
