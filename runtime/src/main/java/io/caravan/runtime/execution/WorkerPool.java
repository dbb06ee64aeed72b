package io.caravan.runtime.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.CompiledJob;
import io.caravan.runtime.jobs.JobService;
import io.caravan.runtime.jobs.LoadedJobs;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.ExecutionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of this node: each claims the next QUEUED execution ({@code FOR UPDATE SKIP LOCKED},
 * so nodes never take the same row) and runs it. Idle workers sleep until an execution is enqueued
 * here or the poll interval passes (for executions enqueued by other nodes).
 */
public final class WorkerPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    private static final long POLL_MILLIS = 500;

    private final ExecutionStore store;
    private final LoadedJobs loaded;
    private final JobService jobs;
    private final ExecutionRunner runner;
    private final String nodeId;
    private final int size;
    private final Semaphore wakeups = new Semaphore(0);
    private final java.util.Map<java.util.UUID, io.caravan.job.execution.ExecutionContext> executing =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public WorkerPool(ExecutionStore store, ObjectStore objects, LoadedJobs loaded, JobService jobs,
            ProducerTemplate producer, ObjectMapper json, String nodeId, int size) {
        this.store = store;
        this.loaded = loaded;
        this.jobs = jobs;
        this.runner = new ExecutionRunner(store, objects, producer, json, executing);
        this.nodeId = nodeId;
        this.size = size;
    }

    /** Starts the workers. */
    public synchronized void start() {
        running = true;
        for (int i = 0; i < size; i++) {
            Thread t = new Thread(this::loop, "caravan-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        LOG.info("{} workers started on node {}", size, nodeId);
    }

    /** Tells an execution running on this node to stop after its current step; false when it runs elsewhere. */
    public boolean cancelHere(java.util.UUID id) {
        var context = executing.get(id);
        if (context == null) {
            return false;
        }
        context.requestCancel();
        return true;
    }

    /** Tells an idle worker there is work. */
    public void wake() {
        if (wakeups.availablePermits() < size) {
            wakeups.release();
        }
    }

    private void loop() {
        while (running) {
            try {
                if (!claimAndRun()) {
                    wakeups.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("worker error: {}", e.getMessage(), e);
                sleepQuietly();
            }
        }
    }

    /** Runs one execution if there is one; false when the queue had nothing for this node. */
    private boolean claimAndRun() {
        Optional<ExecutionRow> claimed = store.claimNext(nodeId, loaded.reloading());
        if (claimed.isEmpty()) {
            return false;
        }
        ExecutionRow row = claimed.get();
        try {
            runClaimed(row);
        } catch (Exception e) {
            LOG.error("execution {} of job {} could not run: {}", row.id(), row.jobId(), e.getMessage(), e);
            failQuietly(row, "the execution could not run: " + e.getMessage());
        }
        return true;
    }

    private void runClaimed(ExecutionRow row) throws Exception {
        jobs.refresh(row.jobId());
        CompiledJob job = loaded.acquire(row.jobId());
        if (job == null) {
            if (loaded.current(row.jobId()) == null && !loaded.reloading().contains(row.jobId())) {
                LOG.warn("execution {} of job {}: the job no longer exists", row.id(), row.jobId());
                store.finish(row.id(), "FAILED", "job.deleted", "job '" + row.jobId() + "' was deleted before it ran");
            } else {
                store.requeue(row.id());
            }
            return;
        }
        try {
            runner.run(row, job);
        } finally {
            loaded.release(row.jobId());
        }
    }

    /** Marks a claimed execution FAILED; if even that fails, it stays RUNNING for recovery to find. */
    private void failQuietly(ExecutionRow row, String message) {
        try {
            store.finish(row.id(), "FAILED", "execution", message);
        } catch (RuntimeException e) {
            LOG.error("execution {} could not be marked FAILED: {}", row.id(), e.getMessage());
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        running = false;
        wakeups.release(size);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // one deadline for all, not 30 s each
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        threads.clear();
    }
}
