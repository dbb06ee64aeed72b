package io.caravan.runtime.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.storage.ObjectPaths;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.params.ParamBinder;
import io.caravan.job.validation.Problems;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.jobs.JobService;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.ExecutionStore;
import io.caravan.runtime.store.JobRow;
import java.util.Map;
import java.util.UUID;

/** Starts executions: binds the parameters and puts a QUEUED row in the queue. */
public final class ExecutionService {

    private final JobService jobs;
    private final ExecutionStore executions;
    private final ParamBinder params;
    private final WorkerPool workers;
    private final io.caravan.runtime.secrets.SecretParams secretParams;
    private final ObjectMapper json;

    public ExecutionService(JobService jobs, ExecutionStore executions, WorkerPool workers,
            io.caravan.runtime.secrets.SecretParams secretParams, ObjectMapper json) {
        this.secretParams = secretParams;
        this.jobs = jobs;
        this.executions = executions;
        this.params = new ParamBinder(json);
        this.workers = workers;
        this.json = json;
    }

    /**
     * Retries a FAILED or TIMED_OUT execution: the same execution is queued again and continues
     * from its checkpoint — completed steps are not run again, the failed step runs as a new
     * attempt. Only while the job is still at the version the execution ran.
     */
    public void retry(UUID id) {
        ExecutionRow row = executions.find(id).orElseThrow(() -> ApiException.notFound("no execution '" + id + "'"));
        if (!row.status().equals("FAILED") && !row.status().equals("TIMED_OUT")) {
            throw ApiException.conflict("only a FAILED or TIMED_OUT execution can be retried; " + id + " is " + row.status());
        }
        JobRow job = jobs.get(row.jobId());
        if (row.jobVersion() == null || row.jobVersion() != job.currentVersion()) {
            throw ApiException.conflict("job '" + row.jobId() + "' changed from version " + row.jobVersion() + " to "
                    + job.currentVersion() + " since this execution ran; start a new run instead");
        }
        if (!executions.requeueForRetry(id)) {
            throw ApiException.conflict("execution " + id + " changed meanwhile; read it and try again");
        }
        workers.wake();
    }

    /**
     * Applies the job's {@code concurrency.onLimit} when it is at its limit: skip refuses the new
     * run, cancel-oldest cancels the oldest queued or running one; queue (the default) leaves the
     * limit to the claim, where it is enforced across nodes. Counting here is not atomic: two runs
     * started at the same instant may both pass, and the claim still keeps the limit.
     */
    private void makeRoom(JobRow job) {
        if (job.concurrencyLimit() == null || job.onLimit() == null || job.onLimit().equals("queue")) {
            return;
        }
        if (executions.active(job.id()) < job.concurrencyLimit()) {
            return;
        }
        if (job.onLimit().equals("skip")) {
            throw ApiException.conflict("job '" + job.id() + "' is at its concurrency limit of " + job.concurrencyLimit()
                    + " (onLimit: skip); this run was not started");
        }
        executions.oldestActive(job.id()).ifPresent(oldest -> {
            executions.cancel(oldest).filter("RUNNING"::equals).ifPresent(running -> workers.cancelHere(oldest));
        });
    }

    /**
     * Cancels an execution: a queued one at once; a running one stops after its current step
     * (on this node at once, on another after that node's next step), keeping its context.
     *
     * @return the status it has now: CANCELLED, or RUNNING while it stops
     */
    public String cancel(UUID id) {
        ExecutionRow row = executions.find(id).orElseThrow(() -> ApiException.notFound("no execution '" + id + "'"));
        String status = executions.cancel(id).orElseThrow(() -> ApiException.conflict(
                "only a QUEUED or RUNNING execution can be cancelled; " + id + " is " + row.status()));
        if (status.equals("RUNNING")) {
            workers.cancelHere(id);
        }
        return status;
    }

    /** Enqueues a run of a job; returns the new execution's id. */
    public UUID enqueue(String jobId, Map<String, Object> given, Map<String, Object> trigger) {
        return enqueue(jobId, given, trigger, 0);
    }

    /**
     * Enqueues a run of a job with a priority (higher runs first; equal ones by age); returns the
     * new execution's id.
     */
    public UUID enqueue(String jobId, Map<String, Object> given, Map<String, Object> trigger, int priority) {
        return insert(jobId, given, trigger, priority);
    }

    /**
     * Enqueues a run that a trigger may deliver twice (a schedule's fire): empty when the store
     * already holds the execution of that same fire.
     */
    public java.util.Optional<UUID> enqueueOnce(String jobId, Map<String, Object> given, Map<String, Object> trigger) {
        try {
            return java.util.Optional.of(insert(jobId, given, trigger, 0));
        } catch (org.springframework.dao.DuplicateKeyException e) {
            return java.util.Optional.empty();
        } catch (ApiException e) {
            if (e.status() != 400) {
                throw e; // disabled or deleted: nothing to run
            }
            // no caller to tell: the fire is kept as a FAILED execution that says why
            return failedFire(jobId, trigger, "params",
                    e.getMessage() + ": " + e.errors().stream().map(p -> p.path() + " " + p.message()).toList());
        }
    }

    /** Records a trigger's run that cannot run, as FAILED with the reason; empty when that fire is recorded already. */
    public java.util.Optional<UUID> failedFire(String jobId, Map<String, Object> trigger, String type, String why) {
        JobRow row = jobs.get(jobId);
        UUID id = Ids.timeOrdered();
        try {
            executions.insertFailed(id, jobId, row.currentVersion(), json.writeValueAsString(trigger),
                    ObjectPaths.context(jobId, id.toString()), type, why);
            return java.util.Optional.of(id);
        } catch (org.springframework.dao.DuplicateKeyException duplicate) {
            return java.util.Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException json) {
            throw new IllegalStateException(json);
        }
    }

    /**
     * Enqueues the run of a webhook delivery, or finds the run of its first delivery when the
     * same delivery id came in the last 24 hours.
     *
     * @param id the new run's id, chosen by the caller so that it can wait for the run before it exists
     * @param waited whether the caller waits for the run's end (a sync webhook): then, when a worker
     *     here is idle and the job has no concurrency limit, the run is inserted already claimed and
     *     handed to that worker, one statement fewer between the call and its answer
     */
    public io.caravan.runtime.store.ExecutionStore.Delivery enqueueDelivery(io.caravan.job.compiler.CompiledJob loaded,
            Map<String, Object> trigger, String deliveryId, UUID id, boolean waited) {
        // the job as loaded here, not read again: a webhook's path to the queue is one statement
        JobDefinition job = loaded.job();
        String jobId = job.id();
        Problems problems = new Problems();
        Map<String, Object> bound = params.bind(job, Map.of(), problems);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("job '" + jobId + "' has required parameters a webhook cannot give",
                    problems.list());
        }
        boolean limited = job.concurrency() != null && job.concurrency().effectiveLimit() != null;
        if (limited) {
            makeRoom(jobs.get(jobId)); // skip and cancel-oldest apply to webhooks too
        }
        // a limited job's claims are counted under its lock (ExecutionStore.claimNext): they queue
        String triggerJson;
        String paramsJson;
        try {
            triggerJson = json.writeValueAsString(trigger);
            paramsJson = json.writeValueAsString(secretParams.seal(job, id, bound));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        boolean here = waited && !limited && workers.reserve();
        LeaseClock clock = new LeaseClock(System.nanoTime(), workers.leaseExpiry());
        io.caravan.runtime.store.ExecutionStore.Delivery delivery;
        try {
            delivery = executions.enqueueDelivery(id, jobId, loaded.version(), triggerJson, paramsJson,
                    job.steps().size(), ObjectPaths.context(jobId, id.toString()), deliveryId,
                    here ? workers.nodeId() : null, workers.leaseExpiry());
        } catch (RuntimeException e) {
            if (here) {
                workers.unreserve();
            }
            throw e;
        }
        if (delivery.claim() != null) {
            workers.hand(delivery.claim(), clock);
        } else {
            if (here) {
                workers.unreserve(); // a repeated delivery: nothing new to run
            }
            if (delivery.created()) {
                workers.wake();
            }
        }
        return delivery;
    }

    /** Enqueues a run under an id chosen beforehand (a file drop stores the file under it first). */
    public UUID enqueueAs(UUID id, String jobId, Map<String, Object> trigger) {
        return insert(jobId, Map.of(), trigger, 0, id);
    }

    private UUID insert(String jobId, Map<String, Object> given, Map<String, Object> trigger, int priority) {
        return insert(jobId, given, trigger, priority, Ids.timeOrdered());
    }

    private UUID insert(String jobId, Map<String, Object> given, Map<String, Object> trigger, int priority, UUID id) {
        JobRow row = jobs.get(jobId);
        JobDefinition job = jobs.currentDefinition(row);
        if (job.isTemplate()) {
            throw ApiException.conflict("job '" + jobId + "' is a template: it does not run; make a job of it with"
                    + " POST /api/v1/jobs/" + jobId + "/instantiate");
        }
        if (!job.isEnabled()) {
            throw ApiException.conflict("job '" + jobId + "' is disabled");
        }
        Problems problems = new Problems();
        Map<String, Object> bound = params.bind(job, given, problems);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("the parameters are not valid for job '" + jobId + "'", problems.list());
        }
        makeRoom(row);
        try {
            executions.enqueue(id, jobId, row.currentVersion(), json.writeValueAsString(trigger),
                    json.writeValueAsString(secretParams.seal(job, id, bound)), job.steps().size(),
                    ObjectPaths.context(jobId, id.toString()), priority);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        workers.wake();
        return id;
    }
}
