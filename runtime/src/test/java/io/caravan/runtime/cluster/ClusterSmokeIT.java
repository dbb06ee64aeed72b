package io.caravan.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves each capability of the cluster harness once: two real node JVMs on a shared PostgreSQL
 * and S3, a run started on one node and watched on the other, SIGSTOP/SIGCONT, SIGKILL and
 * restart, and an outage of each shared server after which a run still succeeds.
 */
class ClusterSmokeIT {

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final Cluster cluster = new Cluster("ClusterSmokeIT");

    @Test
    void everyHarnessCapabilityWorks() throws Exception {
        cluster.start(2, Map.of("CARAVAN_WORKERS", "2", "CARAVAN_LEASE_SECONDS", "6", "CARAVAN_HEARTBEAT_SECONDS", "1"));
        SharedServices services = cluster.services();
        NodeProcess n1 = cluster.node(0);
        NodeProcess n2 = cluster.node(1);
        assertThat(services.caravanDb().query("select id from nodes order by id"))
                .as("both JVMs registered in the one shared database")
                .containsExactly(Map.of("id", "n1"), Map.of("id", "n2"));

        // a job writing to the shared `local` database, started on one node and watched on the other
        services.localDb().update("create table smoke (x text primary key)");
        n1.createJob("""
                {"id": "smoke", "params": {"x": {"type": "string", "required": true}},
                 "steps": [{"id": "s1", "type": "sql", "connection": "local",
                            "query": "insert into smoke (x) values (:x)", "parameters": {"x": "{{ params.x }}"}}]}""");
        String first = n1.run("smoke", Map.of("x", "first"));
        JsonNode firstDone = n2.awaitEnd(first, RUN_TIMEOUT);
        assertThat(firstDone.path("status").asText()).as("run started on n1, seen on n2: %s", firstDone).isEqualTo("SUCCESS");
        assertThat(xs(services)).as("the row the run inserted").containsExactly("first");

        // SIGSTOP freezes the JVM (it answers nothing), SIGCONT brings it back
        n2.pause();
        assertThat(n2.healthy(Duration.ofMillis(500))).as("a stopped JVM answers nothing").isFalse();
        n2.resume();
        await().atMost(Duration.ofSeconds(10)).until(() -> n2.healthy(Duration.ofSeconds(2)));

        // SIGKILL, then a new JVM with the same id, port and data dir
        long killedPid = n1.pid();
        n1.kill();
        assertThat(n1.alive()).as("n1 after SIGKILL").isFalse();
        assertThat(Ports.closed(n1.port())).as("the port of a killed node is free").isTrue();
        n1.restart(); // returns once the new JVM is healthy
        assertThat(n1.pid()).as("a new JVM").isNotEqualTo(killedPid);

        // S3 goes away for 2 s (stopS3 checks the port is closed) and comes back with its objects
        services.restartS3(Duration.ofSeconds(2));
        NodeProcess.Response context = n1.call("GET", "/api/v1/executions/" + first + "/context", null);
        assertThat(context.status()).as("the context written before the outage: %s", context.text()).isEqualTo(200);

        // PostgreSQL goes away for 2 s and comes back on the same port with its data
        services.restartPostgres(Duration.ofSeconds(2));
        assertThat(xs(services)).as("rows written before the restart").containsExactly("first");

        // the cluster still works: a new run through the restarted node, watched on the other
        String second = n1.run("smoke", Map.of("x", "second"));
        JsonNode done = n2.awaitEnd(second, RUN_TIMEOUT);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
        assertThat(xs(services)).as("rows after the second run").containsExactly("first", "second");
        assertThat(List.of(n1.alive(), n2.alive())).as("both JVMs alive through the outages").containsOnly(true);
        assertThat(n1.logText()).as("one log across restarts").contains("n1: SIGKILL", "n1: start #2");

        // SIGTERM: Caravan's shutdown hook runs and records the clean stop
        assertThat(n2.terminate()).as("exit value of a JVM ended by SIGTERM").isEqualTo(143);
        assertThat(services.caravanDb().query("select stopped_at from nodes where id = 'n2'").get(0).get("stopped_at"))
                .as("a clean stop is recorded").isNotNull();
    }

    private static List<Object> xs(SharedServices services) throws Exception {
        return services.localDb().query("select x from smoke order by x").stream().map(r -> r.get("x")).toList();
    }
}
