package io.caravan.runtime.health;

import io.caravan.runtime.execution.WorkerPool;
import io.caravan.runtime.health.Readiness.Check;
import io.caravan.runtime.health.Readiness.Unready;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.time.Duration;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The checks of a node's readiness: each cheap, each bounded by its own timeout as well as Readiness's. */
public final class NodeChecks {

    private NodeChecks() {
    }

    /** Whether the node has started and is not stopping: {@code state} says UP, STARTING or STOPPING. */
    public static Check node(Supplier<String> state) {
        return () -> {
            String now = state.get();
            if (!now.equals("UP")) {
                throw new Unready(now.toLowerCase(java.util.Locale.ROOT));
            }
            return "started";
        };
    }

    /** {@code select 1} through the node's pool, cancelled by PostgreSQL after {@code timeout}. */
    public static Check database(DataSource pool, Duration timeout) {
        JdbcTemplate jdbc = new JdbcTemplate(pool);
        jdbc.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
        return () -> {
            jdbc.queryForObject("select 1", Integer.class);
            return "select 1 answered";
        };
    }

    /**
     * Whether the object store answers, asked with {@code probe} (a client of its own whose
     * timeouts are short) whether the bucket exists. A bucket not made yet is fine: the first
     * write makes it. A refusal (bad credentials, no permission) is down, with S3's error code.
     */
    public static Check objectStore(MinioClient probe, String bucket) {
        return () -> {
            try {
                return probe.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())
                        ? "bucket '" + bucket + "' exists" : "bucket '" + bucket + "' is made by the first write";
            } catch (io.minio.errors.ErrorResponseException e) {
                throw new Unready("the object store answered " + e.errorResponse().code());
            }
        };
    }

    /** Whether Quartz takes schedule fires here: started, not on standby, not shut down. */
    public static Check scheduler(Supplier<org.quartz.Scheduler> scheduler) {
        return () -> {
            org.quartz.Scheduler quartz = scheduler.get();
            if (quartz == null || !quartz.isStarted()) {
                throw new Unready("not started");
            }
            if (quartz.isShutdown() || quartz.isInStandbyMode()) {
                throw new Unready(quartz.isShutdown() ? "shut down" : "on standby");
            }
            return "started";
        };
    }

    /** Whether every worker thread runs. */
    public static Check workers(WorkerPool workers) {
        return () -> {
            int alive = workers.alive();
            if (alive < workers.size()) {
                throw new Unready(alive + " of " + workers.size() + " workers running");
            }
            return workers.busy() + " of " + workers.size() + " workers busy";
        };
    }
}
