package io.caravan.bench;

import io.caravan.connectors.storage.S3Clients;
import io.caravan.runtime.embedded.EmbeddedDatabase;
import io.caravan.runtime.embedded.EmbeddedObjectStore;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 9's retention figure, on a shortened clock: one node keeps ended executions for
 * {@code retention} seconds and sweeps every {@code interval} seconds, under a steady load of
 * {@code rate} runs a second (each run writes a context and a file). Every 15 s it prints the
 * executions and step runs in PostgreSQL, their tables' size, and the objects under {@code jobs/}.
 * Bounded growth shows as counts that level off at about rate × (retention + interval) instead of
 * rising with the runs; over 24 h with the default 30 days the same holds at the day's scale.
 *
 * <pre>java -cp caravan-bench.jar io.caravan.bench.RetentionGrowth runtime/target/caravan.jar [seconds rate retention interval]</pre>
 */
public final class RetentionGrowth {

    private static final String JOB = """
            {"id": "steady", "steps": [{"id": "out", "type": "csv.write", "rows": [{"a": 1}, {"a": 2}], "file": "out.csv"}]}""";

    private RetentionGrowth() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "runtime/target/caravan.jar");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 240;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int retention = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        int interval = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        Path dir = Files.createTempDirectory("caravan-retention");
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("postgres"));
                EmbeddedObjectStore s3 = EmbeddedObjectStore.start(dir.resolve("s3"))) {
            String db = pg.jdbcUrl(EmbeddedDatabase.CARAVAN_DB);
            Map<String, String> env = Node.sharedStores(pg, s3);
            env.put("CARAVAN_DATA_DIR", dir.resolve("node").toString());
            env.put("CARAVAN_RETENTION", "PT" + retention + "S");
            env.put("CARAVAN_HOUSEKEEPING_INTERVAL", "PT" + interval + "S");
            MinioClient minio = S3Clients.client(s3.endpoint(), EmbeddedObjectStore.ACCESS_KEY,
                    EmbeddedObjectStore.SECRET_KEY, "us-east-1");
            try (Node node = Node.start(jar, env, dir.resolve("node.log"));
                    Connection c = DriverManager.getConnection(db, "postgres", "postgres")) {
                node.expect2xx("POST", "/api/v1/jobs", JOB);
                System.out.printf(Locale.ROOT, "retention growth: %d runs/s for %d s, retention %d s, sweep every %d s%n",
                        rate, seconds, retention, interval);
                System.out.println("| s | runs started | executions | step runs | objects | tables MiB |");
                System.out.println("|---|---|---|---|---|---|");
                run(node, c, minio, seconds, rate);
            }
        }
    }

    private static void run(Node node, Connection c, MinioClient minio, int seconds, int rate) throws Exception {
        AtomicInteger started = new AtomicInteger();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        load.scheduleAtFixedRate(() -> {
            try {
                node.expect2xx("POST", "/api/v1/jobs/steady/executions", "{\"params\": {}}");
                started.incrementAndGet();
            } catch (Exception e) {
                System.out.println("run refused: " + e.getMessage());
            }
        }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
        try {
            for (int at = 15; at <= seconds; at += 15) {
                Thread.sleep(15_000);
                System.out.println(sample(c, minio, at, started.get()));
            }
        } finally {
            load.shutdownNow();
        }
    }

    private static String sample(Connection c, MinioClient minio, int at, int started) throws Exception {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("select (select count(*) from executions),"
                + " (select count(*) from step_runs),"
                + " (pg_total_relation_size('executions') + pg_total_relation_size('step_runs')) / 1048576.0")) {
            rs.next();
            long objects = 0;
            for (var item : minio.listObjects(ListObjectsArgs.builder().bucket("caravan").prefix("jobs/")
                    .recursive(true).build())) {
                item.get();
                objects++;
            }
            return String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %.1f |", at, started, rs.getLong(1),
                    rs.getLong(2), objects, rs.getDouble(3));
        }
    }
}
