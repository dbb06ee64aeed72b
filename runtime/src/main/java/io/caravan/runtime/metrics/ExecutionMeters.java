package io.caravan.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the workers of this node count: runs started and ended by job and status, how long they
 * took, the steps' attempts by kind, and the claims that took an execution over from a lease that
 * had run out. A job's meters are registered on its first use and then found in a map by job id —
 * no registry lookup, no tag set built per call. Labels are bounded: job ids by the number of jobs,
 * kinds by the step kinds; never an execution id.
 */
public final class ExecutionMeters {

    /** Label of the job's id; not {@code job}, which Prometheus sets on every series to its scrape job. */
    public static final String JOB = "job_id";

    /** Buckets of a run's duration: a quick webhook job to a nightly batch; longer runs count in +Inf. */
    private static final Duration[] RUN_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3)};
    /** Buckets of a step attempt's duration: a {@code set} step to a long transfer. */
    private static final Duration[] STEP_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)};

    private final MeterRegistry registry;
    private final Map<String, JobMeters> jobs = new ConcurrentHashMap<>();
    /** Step timers by kind, then by status. */
    private final Map<String, Map<String, Timer>> steps = new ConcurrentHashMap<>();

    public ExecutionMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The registry these meters are in, for the parts of a run measured elsewhere (checkpoints). */
    public MeterRegistry registry() {
        return registry;
    }

    /** A run of the job began on this node: its first, or a retry (not a takeover). */
    public void started(String jobId) {
        job(jobId).started.increment();
    }

    /** This node claimed an execution of the job whose lease had run out or been let go. */
    public void tookOver(String jobId) {
        job(jobId).takeovers.increment();
    }

    /** A run of the job ended on this node with this final status, {@code took} after it first started (or null). */
    public void finished(String jobId, String status, Duration took) {
        Ended ended = job(jobId).ended.computeIfAbsent(status, s -> new Ended(
                Counter.builder("caravan.executions.finished").tag(JOB, jobId).tag("status", s)
                        .description("Runs that ended on this node, by final status").register(registry),
                Timer.builder("caravan.execution.duration").tag(JOB, jobId).tag("status", s)
                        .serviceLevelObjectives(RUN_BUCKETS)
                        .description("From a run's first start to its end, by final status").register(registry)));
        ended.count.increment();
        if (took != null) {
            ended.duration.record(took);
        }
    }

    /** An attempt of a step of this kind ended with this status (SUCCESS, FAILED or SKIPPED). */
    public void stepEnded(String kind, String status, Duration took) {
        steps.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, s -> Timer.builder("caravan.step.duration").tag("kind", kind).tag("status", s)
                        .serviceLevelObjectives(STEP_BUCKETS)
                        .description("Each attempt of a step, by kind and status").register(registry))
                .record(took);
    }

    private JobMeters job(String jobId) {
        return jobs.computeIfAbsent(jobId, id -> new JobMeters(
                Counter.builder("caravan.executions.started").tag(JOB, id)
                        .description("Runs that began on this node: first runs and retries").register(registry),
                Counter.builder("caravan.lease.takeovers").tag(JOB, id)
                        .description("Claims of an execution whose lease had run out or been let go").register(registry)));
    }

    private record JobMeters(Counter started, Counter takeovers, Map<String, Ended> ended) {
        JobMeters(Counter started, Counter takeovers) {
            this(started, takeovers, new ConcurrentHashMap<>());
        }
    }

    private record Ended(Counter count, Timer duration) {
    }
}
