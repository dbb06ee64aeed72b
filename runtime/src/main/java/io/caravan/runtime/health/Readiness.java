package io.caravan.runtime.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node can do its work: named checks (the database, the object store, the
 * scheduler, the workers...), run side by side, each given {@link #timeout} at most. A report is
 * kept for {@link #ttl}, so a storm of probes costs one round of checks per second, not one per
 * probe. A check that has not answered is not started again while it runs: at most one thread
 * per check is ever waiting on a server that is gone.
 */
public final class Readiness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    /** One check: returns a short note when the part is fine, throws when it is not. */
    @FunctionalInterface
    public interface Check {
        String run() throws Exception;
    }

    /**
     * A part that is not fine, with a message fit for an unauthenticated caller (a failure of
     * any other type is shown by its type only; its message, which may name hosts, is logged).
     */
    public static final class Unready extends Exception {
        public Unready(String message) {
            super(message, null, false, false);
        }
    }

    /** The state of one check: {@code UP} or {@code DOWN}, with a short note. */
    public record State(boolean up, String detail) {
    }

    /** The states of all checks; ready when every one is up. */
    public record Report(Map<String, State> checks) {
        public boolean ready() {
            return checks.values().stream().allMatch(State::up);
        }
    }

    private final Map<String, Check> checks;
    private final Duration timeout;
    private final Duration ttl;
    private final Map<String, Future<String>> running = new ConcurrentHashMap<>();
    private final Map<String, Boolean> lastUp = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "caravan-readiness");
        t.setDaemon(true);
        return t;
    });
    private Report last;
    private long lastAt;

    /** Checks in the order they are reported. */
    public Readiness(Map<String, Check> checks, Duration timeout, Duration ttl) {
        this.checks = new LinkedHashMap<>(checks);
        this.timeout = timeout;
        this.ttl = ttl;
    }

    /** The latest report, made now unless one younger than the ttl exists; waits {@code timeout} at most. */
    public synchronized Report report() {
        if (last != null && System.nanoTime() - lastAt < ttl.toNanos()) {
            return last;
        }
        checks.forEach((name, check) -> running.compute(name, (n, f) -> f == null || f.isDone() ? threads.submit(check::run) : f));
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, State> states = new LinkedHashMap<>();
        checks.keySet().forEach(name -> states.put(name, await(name, running.get(name), deadline)));
        last = new Report(states);
        lastAt = System.nanoTime();
        return last;
    }

    private State await(String name, Future<String> result, long deadline) {
        State state;
        Throwable failure = null;
        try {
            state = new State(true, result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            state = new State(false, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            failure = e.getCause();
            state = new State(false, failure instanceof Unready ? failure.getMessage()
                    : "failed (" + failure.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = new State(false, "interrupted");
        }
        logChange(name, state, failure);
        return state;
    }

    /** A check that goes down is logged once, with the failure's own message; one that comes back too. */
    private void logChange(String name, State state, Throwable failure) {
        Boolean before = lastUp.put(name, state.up());
        if (!state.up() && !Boolean.FALSE.equals(before)) {
            LOG.warn("readiness: {} is down: {}{}", name, state.detail(),
                    failure == null || failure instanceof Unready ? "" : ": " + failure.getMessage());
        } else if (state.up() && Boolean.FALSE.equals(before)) {
            LOG.info("readiness: {} is up again", name);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
