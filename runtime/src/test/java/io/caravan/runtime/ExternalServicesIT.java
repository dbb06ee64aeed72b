package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.runtime.config.CaravanConfig;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With CARAVAN_DB_URL and CARAVAN_S3_ENDPOINT set, the same node uses those servers and starts
 * nothing embedded. The "external" servers here are a separate PostgreSQL and S3 server started
 * by the test (no MinIO binary can run here; s3proxy speaks the same S3 API).
 */
class ExternalServicesIT {

    @Test
    void usesTheConfiguredPostgresAndS3(@TempDir Path dir) throws Exception {
        S3Proxy s3 = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "external-key", "external-secret").build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.sleep(10);
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String endpoint = "http://127.0.0.1:" + s3.getPort();
            Caravan caravan = Caravan.start(CaravanConfig.from(Map.of(
                    "CARAVAN_HTTP_PORT", String.valueOf(TestNode.freePort()),
                    "CARAVAN_DATA_DIR", dir.toString(),
                    "CARAVAN_DB_URL", pg.getJdbcUrl("postgres", "postgres"),
                    "CARAVAN_S3_ENDPOINT", endpoint,
                    "CARAVAN_S3_ACCESS_KEY", "external-key",
                    "CARAVAN_S3_SECRET_KEY", "external-secret",
                    "CARAVAN_S3_BUCKET", "ext-bucket",
                    "CARAVAN_ADMIN_TOKEN", TestNode.TOKEN)));
            try (TestNode node = TestNode.wrap(caravan, dir)) {
                HttpResponse<String> local = node.call("POST", "/api/v1/jobs", """
                        {"id": "uses-local", "steps": [{"id": "q", "type": "sql", "connection": "local", "query": "select 1"}]}""");
                assertThat(local.statusCode()).as("no embedded database, so no 'local' connection").isEqualTo(400);

                assertThat(node.call("POST", "/api/v1/jobs", """
                        {"id": "ext", "steps": [{"id": "s", "type": "set", "variables": {"where": "outside"}}]}""")
                        .statusCode()).isEqualTo(201);
                JsonNode done = node.awaitEnd(node.run("ext", null));
                assertThat(done.get("status").asText()).isEqualTo("SUCCESS");

                MinioClient client = MinioClient.builder().endpoint(endpoint).credentials("external-key", "external-secret")
                        .region("us-east-1").build();
                try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("ext-bucket")
                        .object(done.get("context_path").asText()).build())) {
                    assertThat(TestNode.JSON.readTree(in).at("/variables/where").asText()).isEqualTo("outside");
                }
                try (Connection c = pg.getPostgresDatabase().getConnection();
                        ResultSet rs = c.createStatement().executeQuery("select definition_path from jobs where id = 'ext'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("jobs/ext/definition.json");
                }
                assertThat(dir.resolve("postgres")).doesNotExist();
                assertThat(dir.resolve("s3")).doesNotExist();
            }
            try (Connection c = pg.getPostgresDatabase().getConnection();
                    ResultSet rs = c.createStatement().executeQuery("select stopped_at from nodes")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getTimestamp(1)).as("a clean stop is recorded on the node's row").isNotNull();
            }
        } finally {
            s3.stop();
        }
    }
}
