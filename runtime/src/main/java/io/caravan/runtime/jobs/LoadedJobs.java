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
        Consumer<Slot> pending;
    }

    /** Adds or replaces a job's route, now or when its running executions have ended. */
    public void install(CompiledJob job) {
        change(job.job().id(), slot -> {
            addRoutes(job);
            slot.current = job;
        });
    }

    /** Removes a job's route, now or when its running executions have ended. */
    public void remove(String jobId) {
        change(jobId, slot -> {
            removeRoute(jobId);
            slot.current = null;
        });
    }

    private void change(String jobId, Consumer<Slot> action) {
        Slot slot;
        synchronized (this) {
            slot = slots.computeIfAbsent(jobId, id -> new Slot());
            if (slot.running > 0) {
                slot.pending = action;
                LOG.info("job {} changed while {} execution(s) run; its route is swapped when they end", jobId,
                        slot.running);
                return;
            }
        }
        apply(jobId, slot, action);
    }

    /**
     * Enters a job's route for one execution, or null when the job has no route here or a swap
     * is pending (the execution then stays queued). Pair with {@link #release}.
     */
    public synchronized CompiledJob acquire(String jobId) {
        Slot slot = slots.get(jobId);
        if (slot == null || slot.current == null || slot.pending != null) {
            return null;
        }
        slot.running++;
        return slot.current;
    }

    /** Leaves a job's route; the last one out applies a pending swap. */
    public void release(String jobId) {
        Consumer<Slot> pending;
        Slot slot;
        synchronized (this) {
            slot = slots.get(jobId);
            slot.running--;
            if (slot.running > 0 || slot.pending == null) {
                return;
            }
            pending = slot.pending;
        }
        apply(jobId, slot, pending);
    }

    /** Jobs whose swap is pending: workers leave their executions queued. */
    public synchronized Set<String> reloading() {
        Set<String> ids = new java.util.HashSet<>();
        slots.forEach((id, slot) -> {
            if (slot.pending != null) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** The compiled job loaded for an id, or null. */
    public synchronized CompiledJob current(String jobId) {
        Slot slot = slots.get(jobId);
        return slot == null ? null : slot.current;
    }

    private void apply(String jobId, Slot slot, Consumer<Slot> action) {
        // applied under the slot's monitor so two swaps of one job never interleave
        synchronized (slot) {
            action.accept(slot);
        }
        synchronized (this) {
            if (slot.running == 0) {
                slot.pending = null;
            }
            if (slot.current == null && slot.pending == null && slot.running == 0) {
                slots.remove(jobId, slot);
            }
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
