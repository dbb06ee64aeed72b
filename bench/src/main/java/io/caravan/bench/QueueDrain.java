package io.caravan.bench;

import io.caravan.runtime.embedded.EmbeddedDatabase;
import io.caravan.runtime.embedded.EmbeddedObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * B4, queue throughput: {@code count} queued executions of a one-step job, drained by one node
 * and then by two nodes sharing one PostgreSQL and one S3 server. The executions are inserted
 * in one transaction while the nodes run, so every worker finds a full queue; the rate is the
 * count over the time from the first claim to the last end, read from the rows themselves. Each
 * set of nodes first drains {@code warm} executions (by default as many) that are not counted.
 *
 * <pre>java -cp caravan-bench.jar io.caravan.bench.QueueDrain runtime/target/caravan.jar 50000 [warm]</pre>
 *
 * <p>{@code CARAVAN_WORKERS} in its environment sets the nodes' worker count (default 16).
 */
public final class QueueDrain {

    private static final String JOB = """
            {"id": "drain", "steps": [{"id": "only", "type": "set", "variables": {"n": "{{ 1 + 1 }}"}}]}""";

    private QueueDrain() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "runtime/target/caravan.jar");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : count;
        Path dir = Files.createTempDirectory("caravan-b4");
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("postgres"));
                EmbeddedObjectStore s3 = EmbeddedObjectStore.start(dir.resolve("s3"))) {
            String db = pg.jdbcUrl(EmbeddedDatabase.CARAVAN_DB);
            Map<String, String> env = Node.sharedStores(pg, s3);
            env.put("CARAVAN_MASTER_KEY", masterKey());
            if (System.getenv("CARAVAN_WORKERS") != null) { // the nodes' workers, to compare pool sizes
                env.put("CARAVAN_WORKERS", System.getenv("CARAVAN_WORKERS"));
            }
            for (int nodes = 1; nodes <= 2; nodes++) {
                System.out.println(drain(jar, env, dir, db, nodes, count, warm));
            }
        }
    }

    private static String masterKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    /**
     * Starts the nodes, lets them drain {@code warm} executions first (not counted: on 2 cores the
     * JIT compiles for minutes, and a node in service has long done so), then measures the drain
     * of {@code count}.
     */
    private static String drain(Path jar, Map<String, String> env, Path dir, String db, int nodes, int count,
            int warm) throws Exception {
        List<Node> started = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                Map<String, String> own = new LinkedHashMap<>(env);
                own.put("CARAVAN_NODE_ID", "bench-" + i);
                own.put("CARAVAN_DATA_DIR", dir.resolve("node-" + i).toString());
                started.add(Node.start(jar, own, dir.resolve("node-" + i + ".log")));
            }
            if (started.get(0).call("GET", "/api/v1/jobs/drain", null).statusCode() == 404) {
                started.get(0).expect2xx("POST", "/api/v1/jobs", JOB);
            }
            try (Connection c = DriverManager.getConnection(db, "postgres", "postgres")) {
                if (warm > 0) {
                    clear(c);
                    enqueue(c, warm);
                    awaitDrained(c);
                }
                clear(c);
                enqueue(c, count);
                Thread diag = System.getenv("BENCH_DIAG") == null ? null : diagnose(db);
                awaitDrained(c);
                if (diag != null) {
                    diag.interrupt();
                }
                return report(c, nodes) + System.lineSeparator() + pickup(c, nodes);
            }
        } finally {
            for (Node node : started) {
                node.close();
            }
        }
    }

    private static Thread diagnose(String db) {
        Thread t = new Thread(() -> {
            try (Connection d = DriverManager.getConnection(db, "postgres", "postgres")) {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(2000);
                    try (var s = d.createStatement(); ResultSet rs = s.executeQuery("select state, wait_event_type,"
                            + " wait_event, count(*), max(extract(epoch from now() - query_start))::numeric(8,3),"
                            + " left(max(query), 60) from pg_stat_activity where datname = 'caravan' and pid <> pg_backend_pid()"
                            + " group by 1, 2, 3 order by 4 desc")) {
                        StringBuilder line = new StringBuilder("diag:");
                        while (rs.next()) {
                            line.append(" [").append(rs.getString(1)).append('/').append(rs.getString(2)).append('/')
                                    .append(rs.getString(3)).append(" n=").append(rs.getInt(4)).append(" max=")
                                    .append(rs.getString(5)).append(' ').append(rs.getString(6)).append(']');
                        }
                        System.out.println(line);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                System.out.println("diag: " + e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void clear(Connection c) throws Exception {
        try (var s = c.createStatement()) {
            s.execute("delete from step_runs where execution_id in (select id from executions where job_id = 'drain')");
            s.execute("delete from executions where job_id = 'drain'");
        }
    }

    /** The rows a run inserts (ExecutionStore.enqueue), many in one statement. */
    private static void enqueue(Connection c, int count) throws Exception {
        try (PreparedStatement s = c.prepareStatement("insert into executions (id, job_id, job_version, status, trigger,"
                + " params, total_steps, context_path, priority)"
                + " select id, 'drain', 1, 'QUEUED', '{\"type\": \"bench\"}'::jsonb, '{}'::jsonb, 1,"
                + " 'jobs/drain/executions/' || id || '/context.json', 0"
                + " from (select gen_random_uuid() as id from generate_series(1, ?)) ids")) {
            s.setInt(1, count);
            s.executeUpdate();
        }
    }

    private static void awaitDrained(Connection c) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "select count(*) from executions where job_id = 'drain' and status in ('QUEUED', 'RUNNING')")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the queue was not drained in 20 minutes");
    }

    /**
     * How soon an idle node starts an execution that it did not enqueue itself (as when another
     * node, a schedule elsewhere or a webhook on another node queued it): {@code PICKUPS} rows
     * inserted one at a time, straight into the table, each once the one before has started;
     * the time from the row's insert to its start, read from the row.
     */
    private static String pickup(Connection c, int nodes) throws Exception {
        clear(c);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < PICKUPS; i++) {
            Thread.sleep(150 + (i * 37) % 100); // not in step with any poll
            enqueue(c, 1);
            awaitDrained(c);
        }
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("select extract(epoch from started_at - created_at)"
                + " * 1000 from executions where job_id = 'drain' order by 1")) {
            while (rs.next()) {
                millis.add(rs.getDouble(1));
            }
        }
        return String.format(java.util.Locale.ROOT, "B4 pickup nodes=%d executions=%d median_ms=%.1f max_ms=%.1f",
                nodes, millis.size(), millis.get(millis.size() / 2), millis.get(millis.size() - 1));
    }

    private static final int PICKUPS = 30;

    private static String report(Connection c, int nodes) throws Exception {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*),"
                + " count(*) filter (where status = 'SUCCESS'),"
                + " extract(epoch from max(completed_at) - min(started_at)),"
                + " (select count(*) from step_runs r join executions e on e.id = r.execution_id"
                + "  where e.job_id = 'drain' and r.status = 'SUCCESS')"
                + " from executions where job_id = 'drain'")) {
            rs.next();
            long total = rs.getLong(1);
            double seconds = rs.getDouble(3);
            return String.format(java.util.Locale.ROOT,
                    "B4 nodes=%d executions=%d success=%d step_runs_success=%d seconds=%.1f rate_per_s=%.0f",
                    nodes, total, rs.getLong(2), rs.getLong(4), seconds, total / seconds);
        }
    }
}
