package io.caravan.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The probes and the executor status on two real node JVMs: readiness turns 503 (naming the
 * database) while PostgreSQL is stopped and 200 again once it is back, while liveness stays
 * 200; the executor status seen on one node counts the other's busy workers and the shared queue.
 */
class HealthClusterIT {

    private static final String SLOW_STEP = """
            [{"id": "wait", "type": "sql", "connection": "local", "query": "select 1 from pg_sleep(8)"}]""";

    @RegisterExtension
    final Cluster cluster = new Cluster("HealthClusterIT");

    @Test
    void executorStatusCountsEveryNodesWorkersAndTheQueue() throws Exception {
        cluster.start(2, Map.of("CARAVAN_WORKERS", "1"));
        NodeProcess n1 = cluster.node(0);
        n1.createJob("{\"id\": \"slow\", \"steps\": " + SLOW_STEP + "}");
        n1.createJob("{\"id\": \"other\", \"steps\": " + SLOW_STEP + "}");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(n1.run("slow", null));
        }
        ids.add(n1.run("other", null));

        // one worker per node busy (n2's as its heartbeat reports it), four executions waiting
        JsonNode status = await().atMost(Duration.ofSeconds(7)).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.call("GET", "/api/v1/executor/status", null).body(), s -> s.at("/workers/busy").asInt() == 2
                        && s.at("/queue/running").asInt() == 2 && s.at("/queue/queued").asInt() == 4);
        assertThat(status.path("workers").toString()).isEqualTo("{\"total\":2,\"busy\":2,\"idle\":0}");
        assertThat(status.path("nodes")).hasSize(2);
        for (JsonNode node : status.path("nodes")) {
            assertThat(node.path("alive").asBoolean()).as(node.toString()).isTrue();
            assertThat(node.path("this_node").asBoolean()).as(node.toString()).isEqualTo(node.path("id").asText().equals("n1"));
            assertThat(node.path("workers").toString()).as(node.toString()).isEqualTo("{\"total\":1,\"busy\":1,\"idle\":0}");
            assertThat(node.path("running").asInt()).as(node.toString()).isEqualTo(1);
        }
        assertThat(status.at("/queue/oldest_queued_age_seconds").asDouble()).isPositive();
        assertThat(status.at("/queue/oldest_queued_at").isTextual()).isTrue();
        assertThat(status.at("/queue/by_job").toString()).as("the jobs with most queued first")
                .matches("\\[\\{\"job_id\":\"slow\",\"queued\":3,\"running\":2,\"oldest_queued_at\":\"[^\"]+\"},"
                        + "\\{\"job_id\":\"other\",\"queued\":1,\"running\":0,\"oldest_queued_at\":\"[^\"]+\"}]");
        assertThat(n1.call("GET", "/api/v1/executor/status?top=1", null).body().at("/queue/by_job")).hasSize(1);

        for (String id : ids) { // what still waits is cancelled at once; the two running end by themselves
            n1.call("POST", "/api/v1/executions/" + id + "/cancel", null);
        }
        for (String id : ids) {
            n1.awaitEnd(id, Duration.ofSeconds(30));
        }
    }

    @Test
    void readinessFlipsWhilePostgresqlIsAwayAndLivenessDoesNot() throws Exception {
        cluster.start(1, Map.of("CARAVAN_WORKERS", "1"));
        NodeProcess node = cluster.node(0);
        SharedServices services = cluster.services();
        NodeProcess.Response ready = node.call("GET", "/health/ready", null);
        assertThat(ready.status()).as(ready.text()).isEqualTo(200);

        services.stopPostgres();
        NodeProcess.Response down = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> node.call("GET", "/health/ready", null), r -> r.status() == 503);
        assertThat(down.body().path("status").asText()).isEqualTo("DOWN");
        assertThat(down.body().at("/checks/database/status").asText()).as(down.text()).isEqualTo("DOWN");
        assertThat(down.body().at("/checks/objectStore/status").asText()).as(down.text()).isEqualTo("UP");
        assertThat(node.call("GET", "/health/live", null).status()).as("the process still serves").isEqualTo(200);

        services.startPostgres();
        NodeProcess.Response back = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> node.call("GET", "/health/ready", null), r -> r.status() == 200);
        assertThat(back.body().at("/checks/database/status").asText()).isEqualTo("UP");
    }
}
