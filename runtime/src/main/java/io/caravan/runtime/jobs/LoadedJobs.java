package io.caravan.runtime.jobs;

import io.caravan.job.compiler.CompiledJob;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compiled jobs whose routes are in this node's CamelContext, and the live reload of them.
 *
 * <p>Camel stops a route gracefully before replacing it, waiting for the exchanges in it; an
 * execution is one exchange that may run for an hour, and a forced stop breaks it. So a job's
 * route is swapped only while none of its executions runs here: an update that arrives while
 * some run is kept pending, new executions of that job wait in the queue, and the swap happens
 * when the last running one ends — each execution finishes on the version it started with, and
 * no API call ever waits for one.
 */
public final class LoadedJobs {

    private static final Logger LOG = LoggerFactory.getLogger(LoadedJobs.class);

    private final CamelContext camel;
    private final Map<String, Slot> slots = new HashMap<>();

    public LoadedJobs(CamelContext camel) {
        this.camel = camel;
    }

    private static final class Slot {
        CompiledJob current;
        int running;
        /** The latest change not yet applied; an older one it replaces is never applied. */
        Consumer<Slot> pending;
        /** A thread is applying changes: no execution may enter meanwhile. */
        boolean swapping;
        /** The latest definition given, swapped in or not; null once removed. */
        CompiledJob newest;
    }

    /** Adds or replaces a job's route, now or when its running executions have ended. */
    public void install(CompiledJob job) {
        synchronized (this) {
            slots.computeIfAbsent(job.job().id(), id -> new Slot()).newest = job;
        }
        change(job.job().id(), slot -> {
            addRoutes(job);
            slot.current = job;
        });
    }

    /** Removes a job's route, now or when its running executions have ended. */
    public void remove(String jobId) {
        synchronized (this) {
            Slot slot = slots.get(jobId);
            if (slot != null) {
                slot.newest = null;
            }
        }
        change(jobId, slot -> {
            removeRoute(jobId);
            slot.current = null;
        });
    }

    private void change(String jobId, Consumer<Slot> action) {
        Slot slot;
        synchronized (this) {
            slot = slots.computeIfAbsent(jobId, id -> new Slot());
            slot.pending = action;
            if (slot.running > 0 || slot.swapping) {
                LOG.info("job {} changed while {} execution(s) run; its route is swapped when they end", jobId,
                        slot.running);
                return;
            }
            slot.swapping = true;
        }
        drain(jobId, slot);
    }

    /**
     * Enters a job's route for one execution, or null when the job has no route here or a swap
     * is pending or under way (the execution then stays queued). Pair with {@link #release}.
     */
    public synchronized CompiledJob acquire(String jobId) {
        Slot slot = slots.get(jobId);
        if (slot == null || slot.current == null || slot.pending != null || slot.swapping) {
            return null;
        }
        slot.running++;
        return slot.current;
    }

    /** Leaves a job's route; the last one out applies a pending change. */
    public void release(String jobId) {
        Slot slot;
        synchronized (this) {
            slot = slots.get(jobId);
            slot.running--;
            if (slot.running > 0 || slot.pending == null || slot.swapping) {
                return;
            }
            slot.swapping = true;
        }
        drain(jobId, slot);
    }

    /** Jobs whose swap is pending or under way: workers leave their executions queued. */
    public synchronized Set<String> reloading() {
        Set<String> ids = new java.util.HashSet<>();
        slots.forEach((id, slot) -> {
            if (slot.pending != null || slot.swapping) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** The definitions of the jobs loaded here, by id, at their current version. */
    public synchronized Map<String, io.caravan.job.model.JobDefinition> definitions() {
        Map<String, io.caravan.job.model.JobDefinition> definitions = new java.util.TreeMap<>();
        slots.forEach((id, slot) -> {
            CompiledJob job = current(id);
            if (job != null) {
                definitions.put(id, job.job());
            }
        });
        return definitions;
    }

    /** The ids of the jobs loaded here. */
    public synchronized Set<String> ids() {
        Set<String> ids = new java.util.HashSet<>();
        slots.forEach((id, slot) -> {
            if (slot.current != null) {
                ids.add(id);
            }
        });
        return ids;
    }

    /**
     * The latest definition given for a job, even while its route still runs an older one (a
     * swap waits for running executions): what triggers answer by. Null when removed.
     */
    public synchronized CompiledJob newest(String jobId) {
        Slot slot = slots.get(jobId);
        return slot == null ? null : slot.newest;
    }

    /** The compiled job loaded for an id, or null. */
    public synchronized CompiledJob current(String jobId) {
        Slot slot = slots.get(jobId);
        return slot == null ? null : slot.current;
    }

    /**
     * Applies changes until none is pending, on the thread that set {@code swapping}; changes
     * that arrive meanwhile are picked up by the same loop, so they apply in the order made.
     */
    private void drain(String jobId, Slot slot) {
        RuntimeException failure = null;
        while (true) {
            Consumer<Slot> action;
            synchronized (this) {
                action = slot.pending;
                slot.pending = null;
                if (action == null) {
                    slot.swapping = false;
                    if (slot.current == null && slot.running == 0) {
                        slots.remove(jobId, slot);
                    }
                    break;
                }
            }
            try {
                action.accept(slot);
            } catch (RuntimeException e) {
                LOG.error("the route of job {} could not be changed: {}", jobId, e.getMessage(), e);
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void addRoutes(CompiledJob job) {
        try {
            camel.addRoutes(job.routes());
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the route of job " + job.job().id() + ": " + e.getMessage(), e);
        }
    }

    private void removeRoute(String jobId) {
        String routeId = io.caravan.job.compiler.JobCompiler.routeId(jobId);
        try {
            if (camel.getRoute(routeId) != null) {
                camel.getRouteController().stopRoute(routeId);
                camel.removeRoute(routeId);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove the route of job " + jobId + ": " + e.getMessage(), e);
        }
    }
}
