package io.caravan.runtime.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.checkpoint.Checkpoints;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.CompiledJob;
import io.caravan.runtime.jobs.JobService;
import io.caravan.runtime.jobs.LoadedJobs;
import io.caravan.runtime.metrics.ExecutionMeters;
import io.caravan.runtime.store.Claim;
import io.caravan.runtime.store.ExecutionStore;
import io.caravan.runtime.store.Lease;
import io.caravan.runtime.store.LeaseLostException;
import io.caravan.runtime.store.StoreErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of this node: each claims the next execution ({@code FOR UPDATE SKIP LOCKED}, so
 * nodes never take the same row) — a queued one, or one whose node died and whose lease expired —
 * and runs it under a lease that a heartbeat renews. Idle workers sleep until they are woken — an
 * execution was enqueued here, or PostgreSQL notified that one became claimable on any node
 * ({@link io.caravan.runtime.store.QueueNotifications}) — or the poll interval passes, which finds
 * the leases that ran out (a node died) and anything a lost notification left. A worker that
 * claimed one wakes the next idle worker, so a burst is taken by as many workers as are idle. A sync
 * webhook's execution can skip the claim: when a worker is idle, the intake {@link #reserve}s it,
 * inserts the execution already claimed by this node and {@link #hand}s the claim to it.
 */
public final class WorkerPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    /** The poll of an idle worker: notifications wake workers for queued work; this finds expired leases. */
    private static final long POLL_MILLIS = 2000;
    /** How long a worker promised to a claim on its way waits before it looks again (the claim is an insert away). */
    private static final long HAND_WAIT_MILLIS = 50;

    private final ExecutionStore store;
    private final LoadedJobs loaded;
    private final JobService jobs;
    private final ExecutionRunner runner;
    private final String nodeId;
    private final int size;
    private final Duration leaseExpiry;
    private final Duration heartbeat;
    private final Semaphore wakeups = new Semaphore(0);
    private final Map<UUID, Running> executing = new ConcurrentHashMap<>();
    /** Claims handed to this node's workers, not yet taken by one; their leases are renewed too. */
    private final Queue<Handed> handed = new ConcurrentLinkedQueue<>();
    /** Workers waiting for work, and how many of them are promised to claims being handed. */
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicInteger reserved = new AtomicInteger();
    /** Read by the readiness check while start or close may change it. */
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-leases");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastRenewed = System.nanoTime();
    private volatile boolean running;

    public WorkerPool(ExecutionStore store, ObjectStore objects, LoadedJobs loaded, JobService jobs,
            ProducerTemplate producer, ObjectMapper json, String nodeId, int size, Duration leaseExpiry,
            Duration heartbeat, io.caravan.runtime.secrets.SecretStore secrets,
            java.util.function.Supplier<Map<String, Object>> connections, io.caravan.runtime.logs.ExecutionLogs logs,
            ExecutionMeters meters) {
        this.store = store;
        this.loaded = loaded;
        this.jobs = jobs;
        this.runner = new ExecutionRunner(store, new Checkpoints(objects, json, meters.registry()), producer, json,
                executing, secrets, connections, logs, meters);
        this.nodeId = nodeId;
        this.size = size;
        this.leaseExpiry = leaseExpiry;
        this.heartbeat = heartbeat;
    }

    /** Who is told when an execution ends here (before the workers start). */
    public void setEnded(ExecutionEnded ended) {
        runner.setEnded(ended);
    }

    /** Starts the workers and the lease heartbeat. */
    public synchronized void start() {
        int orphans = store.releaseOrphans(nodeId); // this node's id, so no live process holds them
        if (orphans > 0) {
            LOG.info("{} executions left running by this node's previous process are continued now", orphans);
        }
        running = true;
        for (int i = 0; i < size; i++) {
            Thread t = new Thread(this::loop, "caravan-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        leases.scheduleWithFixedDelay(this::renewLeases, heartbeat.toMillis(), heartbeat.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("{} workers started on node {}", size, nodeId);
    }

    /** Tells an execution running on this node to stop after its current step; false when it runs elsewhere. */
    public boolean cancelHere(UUID id) {
        Running run = executing.get(id);
        if (run == null) {
            return false;
        }
        run.context().requestCancel();
        return true;
    }

    /** Tells an execution running here to stop after its current step so that another node continues it. */
    private void handOver(UUID id) {
        Running run = executing.get(id);
        if (run != null) {
            run.context().requestHandOver();
        }
    }

    /** A claim on its way to a worker, with the lease clock started before the claim was asked for. */
    private record Handed(Claim claim, LeaseClock clock) {
    }

    /** This node's id, which a claim made for its workers names. */
    public String nodeId() {
        return nodeId;
    }

    /** How many workers this node has. */
    public int size() {
        return size;
    }

    /** How many workers are running an execution now. */
    public int busy() {
        return Math.min(size, executing.size());
    }

    /** How many worker threads run: all of them once started, none before or once closed. */
    public int alive() {
        return running ? (int) threads.stream().filter(Thread::isAlive).count() : 0;
    }

    /** How long a claim holds before the heartbeat must have renewed it. */
    public Duration leaseExpiry() {
        return leaseExpiry;
    }

    /**
     * Promises an idle worker to a claim that the caller is about to make for this node; false
     * when no worker is idle (then enqueue as usual). A promise is kept by {@link #hand} or
     * given back by {@link #unreserve}.
     */
    public boolean reserve() {
        while (running) {
            int promised = reserved.get();
            if (idle.get() - promised <= 0) {
                return false;
            }
            if (reserved.compareAndSet(promised, promised + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives back a promise of {@link #reserve} that no claim came of. */
    public void unreserve() {
        reserved.decrementAndGet();
    }

    /**
     * Hands a claim made for this node to the promised worker.
     *
     * @param clock started before the claim was asked for, as a worker's own claims are timed
     */
    public void hand(Claim claim, LeaseClock clock) {
        handed.add(new Handed(claim, clock));
        wakeups.release(); // more than wake(): this permit is the promised worker's
    }

    /** Tells an idle worker there is work. */
    public void wake() {
        if (wakeups.availablePermits() < size) {
            wakeups.release();
        }
    }

    /**
     * Extends the leases of the executions running here. One another node has taken over stops
     * at its next step (its writes are refused anyway); if renewing fails for so long that the
     * leases may run out, this node lets go of its work before another node takes it over.
     */
    private void renewLeases() {
        List<Lease> held = new ArrayList<>(executing.values().stream().map(Running::lease).toList());
        List<Handed> waiting = List.copyOf(handed);
        waiting.forEach(h -> held.add(h.claim().lease()));
        long asked = System.nanoTime(); // before the database sets the expiry: the clocks here run out first
        try {
            Set<UUID> renewed = store.renew(nodeId, held, leaseExpiry);
            lastRenewed = System.nanoTime();
            for (Handed h : waiting) { // one taken over meanwhile fails at its first write, as any other
                if (renewed.contains(h.claim().lease().executionId())) {
                    h.clock().renewedAt(asked);
                }
            }
            for (Lease lease : held) {
                Running run = executing.get(lease.executionId());
                if (renewed.contains(lease.executionId()) && run != null) {
                    run.clock().renewedAt(asked);
                } else if (!renewed.contains(lease.executionId()) && run != null && run.lease().equals(lease)) {
                    // not renewed and still running under this lease (one that just ended is not renewed either)
                    LOG.warn("execution {} was taken over by another node; stopping it here", lease.executionId());
                    handOver(lease.executionId());
                }
            }
        } catch (RuntimeException e) {
            Duration since = Duration.ofNanos(System.nanoTime() - lastRenewed);
            LOG.warn("leases of node {} not renewed for {} ms: {}", nodeId, since.toMillis(), e.getMessage());
            if (since.plus(heartbeat.multipliedBy(2)).compareTo(leaseExpiry) >= 0) {
                executing.keySet().forEach(this::handOver);
            }
        }
    }

    private void loop() {
        while (running) {
            try {
                Handed next = handed.poll();
                if (next != null) {
                    reserved.decrementAndGet();
                    run(next.claim(), next.clock());
                } else if (reserved.get() > idle.get()) {
                    // an idle worker was promised to a claim on its way (a sync webhook's), and this
                    // one is needed to keep that promise: wait for it rather than take queued work,
                    // or the claim would wait, RUNNING, for a worker to come free
                    awaitWake(HAND_WAIT_MILLIS);
                } else if (!claimAndRun()) {
                    awaitWake(POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (StoreErrors.isUnavailable(e)) { // a restart of the database: no stack trace every half second
                    LOG.warn("worker waits for the database: {}", e.getMessage());
                } else {
                    LOG.error("worker error: {}", e.getMessage(), e);
                }
                sleepQuietly();
            }
        }
    }

    /** Waits, counted idle, until woken or {@code millis} have passed. */
    private void awaitWake(long millis) throws InterruptedException {
        idle.incrementAndGet();
        try {
            wakeups.tryAcquire(millis, TimeUnit.MILLISECONDS);
        } finally {
            idle.decrementAndGet();
        }
    }

    /** Runs one execution if there is one; false when the queue had nothing for this node. */
    private boolean claimAndRun() {
        LeaseClock clock = new LeaseClock(System.nanoTime(), leaseExpiry);
        Optional<Claim> claimed = store.claimNext(nodeId, loaded.reloading(), leaseExpiry);
        if (claimed.isEmpty()) {
            return false;
        }
        if (idle.get() > reserved.get()) { // there may be more: let the next idle worker look
            wake();
        }
        run(claimed.get(), clock);
        return true;
    }

    /** Runs a claimed execution; whatever goes wrong is logged, and the execution failed or left to its lease. */
    private void run(Claim claim, LeaseClock clock) {
        try {
            runClaimed(claim, clock);
        } catch (LeaseLostException e) {
            LOG.warn("{}", e.getMessage());
        } catch (Exception e) {
            if (StoreErrors.isUnavailable(e)) { // not the execution's fault: its lease runs out, and it is claimed again
                LOG.warn("execution {} of job {} stops here, the database is away: {}", claim.row().id(),
                        claim.row().jobId(), e.getMessage());
                return;
            }
            LOG.error("execution {} of job {} could not run: {}", claim.row().id(), claim.row().jobId(), e.getMessage(), e);
            failQuietly(claim, "the execution could not run: " + e.getMessage());
        }
    }

    private void runClaimed(Claim claim, LeaseClock clock) throws Exception {
        String jobId = claim.row().jobId();
        try {
            jobs.refresh(jobId, claim.jobVersion());
        } catch (RuntimeException e) { // the job could not be loaded here now (S3 away): not the execution's fault
            LOG.warn("execution {} of job {} waits: the job cannot be loaded here: {}", claim.row().id(), jobId,
                    e.getMessage());
            store.postpone(claim.lease(), Duration.ofSeconds(5));
            return;
        }
        CompiledJob job = loaded.acquire(jobId);
        if (job == null) {
            if (loaded.current(jobId) == null && !loaded.reloading().contains(jobId)) {
                LOG.warn("execution {} of job {}: the job no longer exists", claim.row().id(), jobId);
                runner.finish(claim, "FAILED", "job.deleted", "job '" + jobId + "' was deleted before it ran", null);
            } else {
                store.requeue(claim.lease());
            }
            return;
        }
        try {
            runner.run(claim, job, clock);
        } finally {
            loaded.release(jobId);
        }
    }

    /** Marks a claimed execution FAILED; if even that fails, its lease runs out and another node takes it. */
    private void failQuietly(Claim claim, String message) {
        try {
            runner.finish(claim, "FAILED", "execution", message, null);
        } catch (RuntimeException e) {
            LOG.error("execution {} could not be marked FAILED: {}", claim.row().id(), e.getMessage());
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the workers: no new claim; each running execution ends its current step, is
     * checkpointed and handed over (lease released) for another node to continue at once.
     */
    @Override
    public synchronized void close() throws InterruptedException {
        running = false;
        wakeups.release(size);
        executing.keySet().forEach(this::handOver);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // one deadline for all, not 30 s each
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        threads.clear();
        for (Handed left = handed.poll(); left != null; left = handed.poll()) { // claimed, never started: free at once
            try {
                store.release(left.claim().lease());
            } catch (RuntimeException e) { // then its lease runs out
                LOG.warn("execution {} not released: {}", left.claim().row().id(), e.getMessage());
            }
        }
        leases.shutdownNow();
    }
}
