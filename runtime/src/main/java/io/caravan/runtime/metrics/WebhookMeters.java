package io.caravan.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The webhook calls this node answered: accepted (a new delivery, or a repeat answered with its
 * first execution) and rejected by reason. The job label is the job's id only when the path names
 * a job that takes webhooks here; any other path counts as {@value #UNKNOWN_JOB}, so that callers
 * cannot add series by inventing paths.
 */
public final class WebhookMeters {

    /** The job label of a call to a path that names no job taking webhooks (no job id starts with '_'). */
    public static final String UNKNOWN_JOB = "_unknown";

    private final MeterRegistry registry;
    private final Map<String, Counter> accepted = new ConcurrentHashMap<>();
    private final Map<String, Counter> duplicates = new ConcurrentHashMap<>();
    /** By job, then by reason. */
    private final Map<String, Map<String, Counter>> rejected = new ConcurrentHashMap<>();

    public WebhookMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A call of the job's webhook was taken; {@code duplicate} when its delivery id had been seen. */
    public void accepted(String jobId, boolean duplicate) {
        (duplicate ? duplicates : accepted).computeIfAbsent(jobId, id -> Counter.builder("caravan.webhooks.accepted")
                .tag(ExecutionMeters.JOB, id).tag("delivery", duplicate ? "duplicate" : "new")
                .description("Webhook calls taken: a new delivery starts a run, a duplicate answers with its first")
                .register(registry)).increment();
    }

    /**
     * A call was refused with this HTTP status.
     *
     * @param jobId the job when the path names one that takes webhooks here, else null
     */
    public void rejected(String jobId, int status) {
        String job = jobId == null ? UNKNOWN_JOB : jobId;
        String reason = reason(status);
        rejected.computeIfAbsent(job, j -> new ConcurrentHashMap<>())
                .computeIfAbsent(reason, r -> Counter.builder("caravan.webhooks.rejected")
                        .tag(ExecutionMeters.JOB, job).tag("reason", r)
                        .description("Webhook calls refused, by reason").register(registry))
                .increment();
    }

    /** The reason a refusal's status stands for; the webhook answers each reason with its own status. */
    static String reason(int status) {
        return switch (status) {
            case 400 -> "bad_payload";
            case 401 -> "signature";
            case 404 -> "unknown_job";
            case 413 -> "too_large";
            case 429 -> "rate_limited";
            case 503 -> "unavailable";
            default -> "error";
        };
    }
}
