package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/compose.yaml} passes {@code docker compose config} (or the older
 * {@code docker-compose config}), and the stack it resolves to is the one the docs describe:
 * two nodes on the same PostgreSQL and S3 with their own ids, every service health-checked. No
 * Docker engine runs here, so nothing is started; the same topology runs in the cluster ITs.
 * Without a compose tool the test is skipped with a notice (.ci/run installs one).
 */
class DockerComposeTest {

    private static final Path COMPOSE = Path.of("..", "docker", "compose.yaml").toAbsolutePath().normalize();

    @Test
    void theComposeFileResolvesToTwoNodesOnSharedStoresWithHealthChecks() throws Exception {
        List<String> tool = composeTool();
        Assumptions.assumeTrue(tool != null, "SKIPPED: neither `docker compose` nor `docker-compose` is installed here");
        List<String> command = new ArrayList<>(tool);
        command.addAll(List.of("-f", COMPOSE.toString(), "config"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("CARAVAN_ADMIN_TOKEN", "test-token", "CARAVAN_MASTER_KEY", "test-key",
                "CARAVAN_JOLOKIA_PASSWORD", "test-password"));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(out).get("services");
        assertThat(services.fieldNames()).toIterable()
                .contains("postgres", "minio", "sftp", "caravan-1", "caravan-2", "hawtio");
        JsonNode one = services.at("/caravan-1/environment");
        JsonNode two = services.at("/caravan-2/environment");
        for (String shared : List.of("CARAVAN_DB_URL", "CARAVAN_S3_ENDPOINT", "CARAVAN_S3_BUCKET", "CARAVAN_MASTER_KEY")) {
            assertThat(one.get(shared).asText()).as(shared).isNotEmpty().isEqualTo(two.get(shared).asText());
        }
        assertThat(one.get("CARAVAN_NODE_ID").asText()).isNotEqualTo(two.get("CARAVAN_NODE_ID").asText());
        for (String name : List.of("postgres", "minio", "sftp", "caravan-1", "caravan-2")) {
            assertThat(services.get(name).has("healthcheck")).as(name + " has a health check").isTrue();
        }
        assertThat(services.at("/caravan-1/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
        // a node reads its settings as valid: Jolokia beyond loopback comes with its credentials
        Map<String, String> env = new java.util.HashMap<>();
        one.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        io.caravan.runtime.config.CaravanConfig.Jolokia jolokia = io.caravan.runtime.config.CaravanConfig.from(env).jolokia();
        assertThat(jolokia.enabled()).isTrue();
        assertThat(jolokia.password()).isEqualTo("test-password");

        // without the two secrets the file refuses to resolve, saying which is missing
        ProcessBuilder bare = new ProcessBuilder(command).redirectErrorStream(true);
        bare.environment().remove("CARAVAN_ADMIN_TOKEN");
        bare.environment().remove("CARAVAN_MASTER_KEY");
        Process refused = bare.start();
        String why = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        refused.waitFor(60, TimeUnit.SECONDS);
        assertThat(refused.exitValue()).isNotZero();
        assertThat(why).contains("CARAVAN_");
    }

    /** {@code docker compose} when the plugin answers, else {@code docker-compose}, else null. */
    private static List<String> composeTool() throws InterruptedException {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            try {
                List<String> version = new ArrayList<>(candidate);
                version.add("version");
                Process p = new ProcessBuilder(version).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (java.io.IOException notInstalled) {
                // try the next
            }
        }
        return null;
    }
}
