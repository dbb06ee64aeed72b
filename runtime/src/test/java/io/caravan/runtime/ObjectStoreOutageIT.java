package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.runtime.config.CaravanConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An S3 outage in the middle of a run: the checkpoint is tried again until the store is back, the
 * execution goes on, and nothing fails because of it.
 */
class ObjectStoreOutageIT {

    @Test
    void checkpointsWaitThroughAnOutageAndNoExecutionIsFailedByIt(@TempDir Path dir) throws Exception {
        int s3Port = TestNode.freePort();
        TransientNio2BlobStore blobs = new TransientNio2BlobStore();
        S3Proxy s3 = s3(s3Port, blobs);
        try (Stub stub = new Stub()) {
            Caravan caravan = Caravan.start(CaravanConfig.from(Map.of(
                    "CARAVAN_HTTP_PORT", String.valueOf(TestNode.freePort()),
                    "CARAVAN_DATA_DIR", dir.toString(),
                    "CARAVAN_S3_ENDPOINT", "http://127.0.0.1:" + s3Port,
                    "CARAVAN_S3_ACCESS_KEY", "k",
                    "CARAVAN_S3_SECRET_KEY", "secret",
                    "CARAVAN_ADMIN_TOKEN", TestNode.TOKEN)));
            try (TestNode node = TestNode.wrap(caravan, dir)) {
                assertThat(node.call("POST", "/api/v1/jobs", """
                        {"id": "outage", "steps": [
                          {"id": "before", "type": "set", "variables": {"a": 1}},
                          {"id": "held", "type": "http", "url": "%s"},
                          {"id": "after", "type": "set", "variables": {"b": 2}}]}""".formatted(stub.url("/hold/outage")))
                        .statusCode()).isEqualTo(201);
                String id = node.run("outage", null);
                assertThat(stub.awaitArrival("outage")).isTrue();
                s3.stop();
                stub.release("outage");

                Thread.sleep(2_000); // the checkpoint after 'held' keeps being tried meanwhile
                JsonNode during = node.json(node.call("GET", "/api/v1/executions/" + id, null));
                assertThat(during.get("status").asText()).isEqualTo("RUNNING");
                var context = node.call("GET", "/api/v1/executions/" + id + "/context", null);
                assertThat(context.statusCode()).as("reading the context while S3 is down").isEqualTo(503);
                assertThat(context.headers().firstValue("Content-Type")).hasValue("application/problem+json");

                s3 = s3(s3Port, blobs);
                JsonNode done = node.awaitEnd(id);
                assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
                assertThat(done.get("steps")).extracting(s -> s.get("id").asText() + "=" + s.get("attempts").asInt())
                        .containsExactly("before=1", "held=1", "after=1");
                assertThat(node.object(done.get("context_path").asText()).at("/variables/b").asInt()).isEqualTo(2);
            }
        } finally {
            s3.stop();
        }
    }

    private static S3Proxy s3(int port, TransientNio2BlobStore blobs) throws Exception {
        S3Proxy s3 = S3Proxy.builder().blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "k", "secret").build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.sleep(10);
        }
        return s3;
    }
}
