package io.caravan.runtime.housekeeping;

import io.caravan.connectors.storage.ObjectPaths;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.model.JobDefinition;
import io.caravan.runtime.store.Database;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what retention lets go: ended executions whose end lies further back than their job's
 * {@code retention} (or {@code CARAVAN_RETENTION}) — their objects (context and files) first,
 * then their log, step runs and row — and webhook delivery ids past their replay window. Called by
 * the housekeeping route ({@code routes/housekeeping.yaml}) on every node; the rows of one batch
 * are locked ({@code FOR UPDATE SKIP LOCKED}), so nodes sweeping at once share the work. An
 * object removed whose row then stays (the database went away) is removed again next time:
 * nothing reads the objects of an execution that housekeeping has started to remove.
 */
public final class Housekeeping {

    /** The registry name the route calls. */
    public static final String BEAN = "caravan-housekeeping";
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final int BATCH = 200;
    /** One sweep stops after this long; what is left waits for the next (the node has other work). */
    private static final Duration BUDGET = Duration.ofSeconds(20);
    private static final String ENDED = "('SUCCESS', 'FAILED', 'PARTIAL_SUCCESS', 'CANCELLED', 'TIMED_OUT')";

    private final Database db;
    private final ObjectStore objects;
    private final Duration retention;
    private final Supplier<Map<String, JobDefinition>> jobs;

    /**
     * @param jobs the jobs loaded on this node, by id: each may keep its executions longer or shorter
     */
    public Housekeeping(Database db, ObjectStore objects, Duration retention, Supplier<Map<String, JobDefinition>> jobs) {
        this.db = db;
        this.objects = objects;
        this.retention = retention;
        this.jobs = jobs;
    }

    /** One sweep; the route logs what it returns. */
    public String sweep() {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        Map<String, Duration> own = ownRetentions();
        int removed = 0;
        int objectsRemoved = 0;
        List<Scope> scopes = new ArrayList<>();
        own.forEach((job, keep) -> scopes.add(new Scope(job, keep, List.of())));
        scopes.add(new Scope(null, retention, List.copyOf(own.keySet())));
        for (Scope scope : scopes) {
            for (Batch batch = scope.next(); !batch.ids().isEmpty() && System.nanoTime() < deadline; batch = scope.next()) {
                removed += batch.ids().size();
                objectsRemoved += batch.objects();
                if (batch.ids().size() < BATCH) {
                    break;
                }
            }
        }
        int deliveries = db.jdbc().update("delete from webhook_deliveries where received_at < now() - interval '24 hours'");
        if (removed > 0) {
            LOG.info("housekeeping removed {} ended execution(s) and {} object(s)", removed, objectsRemoved);
        }
        return "executions=" + removed + " objects=" + objectsRemoved + " deliveries=" + deliveries;
    }

    /** The jobs that set their own retention, with it; one that cannot be read keeps the default (it was validated). */
    private Map<String, Duration> ownRetentions() {
        Map<String, Duration> own = new java.util.TreeMap<>();
        jobs.get().forEach((id, job) -> {
            if (job.retention() != null) {
                try {
                    own.put(id, Duration.parse(job.retention()));
                } catch (DateTimeParseException e) {
                    LOG.warn("job {}: retention '{}' cannot be read; the default applies", id, job.retention());
                }
            }
        });
        return own;
    }

    /** Executions of one job (or, with {@code job} null, of every job but {@code except}) kept for {@code keep}. */
    private final class Scope {
        private final String job;
        private final Duration keep;
        private final List<String> except;

        Scope(String job, Duration keep, List<String> except) {
            this.job = job;
            this.keep = keep;
            this.except = except;
        }

        Batch next() {
            return db.transaction(() -> remove(db.jdbc().query("select id, job_id from executions"
                    + " where status in " + ENDED + " and created_at < now() - make_interval(secs => ?)"
                    + " and completed_at < now() - make_interval(secs => ?)"
                    + " and (?::text is null or job_id = ?) and not (job_id = any(?))"
                    + " order by created_at limit ? for update skip locked",
                    (rs, n) -> new Ended(rs.getObject(1, UUID.class), rs.getString(2)),
                    seconds(), seconds(), job, job, except.toArray(String[]::new), BATCH)));
        }

        /** The retention in seconds, measured on the database's clock as the executions' times are. */
        private double seconds() {
            return keep.toMillis() / 1000.0;
        }
    }

    /** Removes the objects, then the rows, of executions locked by this transaction. */
    private Batch remove(List<Ended> ended) {
        int removedObjects = 0;
        for (Ended e : ended) {
            removedObjects += objects.deleteUnder(ObjectPaths.execution(e.jobId(), e.id().toString()));
        }
        UUID[] ids = ended.stream().map(Ended::id).toArray(UUID[]::new);
        if (ids.length > 0) {
            db.jdbc().update("delete from execution_logs where execution_id = any(?)", (Object) ids);
            db.jdbc().update("delete from executions where id = any(?)", (Object) ids); // step runs cascade
        }
        return new Batch(ended.stream().map(Ended::id).toList(), removedObjects);
    }

    private record Ended(UUID id, String jobId) {
    }

    private record Batch(List<UUID> ids, int objects) {
    }
}
