package io.caravan.runtime.triggers;

import io.caravan.job.expression.Expressions;
import io.caravan.job.expression.Template;
import io.caravan.job.model.TriggerSpec;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.execution.ExecutionService;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a fire of a schedule into a queued execution: the trigger (cron, time zone, scheduled
 * and actual fire time) is recorded on it, and the schedule's parameters are rendered with
 * {@code {{ trigger.* }}}. A fire is enqueued at most once — the executions table has a unique
 * key on (job, schedule, scheduled time) — so a fire Quartz delivers twice starts one execution.
 */
public final class ScheduleFires {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleFires.class);

    private final ExecutionService runs;
    private final Expressions expressions;

    public ScheduleFires(ExecutionService runs, Expressions expressions) {
        this.runs = runs;
        this.expressions = expressions;
    }

    /** Enqueues the execution of one fire; a fire that was enqueued already is logged and dropped. */
    void fire(String jobId, int index, TriggerSpec.Schedule schedule, Exchange exchange) {
        Date scheduled = exchange.getMessage().getHeader("scheduledFireTime", Date.class);
        Date fired = exchange.getMessage().getHeader("fireTime", Date.class);
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("type", "schedule");
        trigger.put("schedule", index); // which of the job's schedules: part of the fire's unique key
        trigger.put("cron", schedule.cron().strip());
        trigger.put("timezone", schedule.timezone() == null ? "UTC" : schedule.timezone());
        trigger.put("scheduled_at", (scheduled != null ? scheduled : fired).toInstant().toString());
        trigger.put("fired_at", (fired != null ? fired : new Date()).toInstant().toString());
        Optional<UUID> id;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> params = schedule.params() == null ? Map.of()
                    : (Map<String, Object>) Template.renderTree(schedule.params(), Map.of("trigger", trigger), expressions);
            id = runs.enqueueOnce(jobId, params, trigger);
        } catch (io.caravan.job.expression.ExpressionException e) { // kept as a FAILED run that says why
            id = runs.failedFire(jobId, trigger, "params", "the schedule's params cannot be rendered: " + e.getMessage());
        } catch (ApiException e) { // disabled or deleted since the fire was taken
            LOG.warn("job {}: the fire scheduled at {} is dropped: {}", jobId, trigger.get("scheduled_at"), e.getMessage());
            return;
        }
        if (id.isEmpty()) {
            LOG.info("job {}: the fire scheduled at {} was enqueued already; dropped", jobId, trigger.get("scheduled_at"));
        }
    }
}
