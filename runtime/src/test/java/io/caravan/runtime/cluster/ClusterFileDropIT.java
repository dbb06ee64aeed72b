package io.caravan.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.runtime.SftpServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SFTP file drops on two JVMs polling one directory of a real SFTP server (Apache MINA SSHD, in
 * this JVM): 200 files dropped at once start 200 executions, each file once, and each file is moved
 * after its execution; then, with a node killed in the middle of a second drop, no file is lost or
 * taken twice. Prints the intake figures.
 */
class ClusterFileDropIT {

    @RegisterExtension
    final Cluster cluster = new Cluster("ClusterFileDropIT");

    @Test
    void twoHundredFilesStartTwoHundredRunsAndAKilledNodeLosesNone() throws Exception {
        try (SftpServer sftp = SftpServer.start()) {
            Files.createDirectories(sftp.files().resolve("drop"));
            cluster.start(2, Map.of("CARAVAN_WORKERS", "4", "CARAVAN_LEASE_SECONDS", "6", "CARAVAN_HEARTBEAT_SECONDS", "1",
                    "CARAVAN_MASTER_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32])));
            SqlDatabase db = cluster.services().caravanDb();
            NodeProcess first = cluster.node(0);
            NodeProcess.Response created = first.call("POST", "/api/v1/connections",
                    sftp.connection("partner", Map.of("password", SftpServer.PASSWORD)));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            first.createJob("""
                    {"id": "drops", "triggers": [{"type": "sftp", "connection": "partner", "directory": "/drop",
                      "include": "*.csv"}],
                     "steps": [{"id": "say", "type": "log", "message": "{{ trigger.file.name }}: {{ files[0].size }} bytes"}]}""");
            cluster.awaitJobEverywhere("drops");

            long dropped = System.nanoTime();
            drop(sftp, "a", 200);
            await().atMost(Duration.ofMinutes(2)).until(() -> succeeded(db) == 200);
            double seconds = (System.nanoTime() - dropped) / 1e9;
            await().atMost(Duration.ofSeconds(30)).until(() -> sftp.names("drop/.done").size() == 200);
            double moved = (System.nanoTime() - dropped) / 1e9;
            assertThat(count(db, "select count(*)::int as n from executions where job_id = 'drops'")).isEqualTo(200);
            assertThat(count(db, "select count(distinct trigger -> 'file' ->> 'name')::int as n from executions"
                    + " where job_id = 'drops'")).as("each file once").isEqualTo(200);
            List<Map<String, Object>> byNode = db.query("select node_id, count(*)::int as n from file_drops group by 1 order by 1");
            System.out.printf("CLUSTER sftp drop: 200 files on 2 nodes -> 200 executions in %.1f s (%.1f files/s),"
                    + " all moved to .done in %.1f s; taken per node %s%n", seconds, 200 / seconds, moved, byNode);
            assertThat(byNode).as("both nodes take files").hasSize(2);

            // a second drop, and the node that takes files killed in the middle of it
            drop(sftp, "b", 100);
            await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(db) >= 230);
            NodeProcess killed = cluster.node(1);
            killed.kill();
            long killedAt = System.nanoTime();
            await().atMost(Duration.ofMinutes(2)).until(() -> succeeded(db) == 300);
            await().atMost(Duration.ofMinutes(1)).until(() -> sftp.names("drop/.done").size() == 300);
            assertThat(count(db, "select count(*)::int as n from executions where job_id = 'drops'")).isEqualTo(300);
            assertThat(count(db, "select count(distinct trigger -> 'file' ->> 'name')::int as n from executions"
                    + " where job_id = 'drops'")).as("each file once").isEqualTo(300);
            assertThat(sftp.names("drop")).containsExactly(".done");
            System.out.printf("CLUSTER sftp drop: node killed during a drop of 100: all 300 files ran once and were moved,"
                    + " the last %.1f s after the kill%n", (System.nanoTime() - killedAt) / 1e9);
        }
    }

    private static void drop(SftpServer sftp, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            Files.writeString(sftp.files().resolve("drop/" + prefix + i + ".csv"), "id,name\n" + i + "," + prefix + "\n");
        }
    }

    private static int succeeded(SqlDatabase db) throws Exception {
        return count(db, "select count(*)::int as n from executions where job_id = 'drops' and status = 'SUCCESS'");
    }

    private static int count(SqlDatabase db, String sql) throws Exception {
        return (Integer) db.query(sql).get(0).get("n");
    }
}
