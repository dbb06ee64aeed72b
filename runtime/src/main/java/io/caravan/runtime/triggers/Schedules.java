package io.caravan.runtime.triggers;

import io.caravan.job.model.JobDefinition;
import io.caravan.job.model.TriggerSpec;
import io.caravan.runtime.jobs.JobTriggers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's {@code schedule} triggers as camel-quartz routes, {@code job.<id>.schedule.<n>}, on the
 * clustered Quartz job store in Caravan's PostgreSQL: every node has the routes, and each fire
 * is taken by one node, which only enqueues an execution ({@link ScheduleFires}).
 *
 * <p>Quartz keeps a trigger in the database when a route is removed in a cluster, and on
 * re-adding compares only the cron, so a changed time zone or misfire policy would be ignored:
 * a stored trigger that differs from the definition is unscheduled (cluster-wide) before the
 * route comes back, and a deleted or disabled job's triggers are unscheduled outright.
 */
public final class Schedules implements JobTriggers {

    /** The Quartz group of every schedule trigger. */
    public static final String GROUP = "caravan";

    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);

    private final CamelContext camel;
    private final ScheduleFires fires;
    private final Map<String, List<TriggerSpec.Schedule>> installed = new HashMap<>();

    public Schedules(CamelContext camel, ScheduleFires fires) {
        this.camel = camel;
        this.fires = fires;
    }

    @Override
    public synchronized void loaded(JobDefinition job) {
        List<TriggerSpec.Schedule> wanted = job.runs() ? schedules(job) : List.of();
        if (wanted.equals(installed.get(job.id()))) {
            return; // already so here: loading a job again (another node's change, a refresh) changes nothing
        }
        try {
            removeRoutes(job.id());
            unscheduleStale(job.id(), wanted);
            for (int i = 0; i < wanted.size(); i++) {
                camel.addRoutes(route(job.id(), i, wanted.get(i)));
            }
            installed.put(job.id(), wanted);
            if (!wanted.isEmpty()) {
                LOG.info("job {}: {} schedule(s) installed", job.id(), wanted.size());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot install the schedules of job " + job.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void removed(String jobId) {
        try {
            removeRoutes(jobId);
            unscheduleStale(jobId, List.of());
            installed.remove(jobId);
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove the schedules of job " + jobId + ": " + e.getMessage(), e);
        }
    }

    /** The Quartz trigger name of a job's n-th schedule. */
    public static String triggerName(String jobId, int index) {
        return jobId + ".schedule." + index;
    }

    private static List<TriggerSpec.Schedule> schedules(JobDefinition job) {
        List<TriggerSpec.Schedule> list = new ArrayList<>();
        job.triggers().forEach(t -> {
            if (t instanceof TriggerSpec.Schedule s) {
                list.add(s);
            }
        });
        return list;
    }

    private RouteBuilder route(String jobId, int index, TriggerSpec.Schedule schedule) {
        String uri = "quartz://" + GROUP + "/" + triggerName(jobId, index)
                + "?cron=RAW(" + schedule.cron().strip().replace(' ', '+') + ")"
                + "&trigger.timeZone=" + zone(schedule).getID()
                + "&trigger.misfireInstruction=" + misfireInstruction(schedule);
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(TriggerRoutes.id(jobId, "schedule", index)).routeGroup("schedules")
                        .process(exchange -> fires.fire(jobId, index, schedule, exchange)).id(triggerName(jobId, index) + ".enqueue");
            }
        };
    }

    private void removeRoutes(String jobId) throws Exception {
        TriggerRoutes.remove(camel, jobId, "schedule", installed.getOrDefault(jobId, List.of()).size());
    }

    /** Unschedules the stored triggers of a job that are not wanted as they are. */
    private void unscheduleStale(String jobId, List<TriggerSpec.Schedule> wanted) throws SchedulerException {
        Scheduler scheduler = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        if (scheduler == null) {
            return; // not started yet: nothing stored can fire before the routes are added
        }
        for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP))) {
            String prefix = jobId + ".schedule.";
            if (!key.getName().startsWith(prefix)) {
                continue;
            }
            int index = indexOf(key.getName().substring(prefix.length()));
            Trigger stored = scheduler.getTrigger(key);
            if (index < 0 || index >= wanted.size() || !matches(stored, wanted.get(index))) {
                scheduler.unscheduleJob(key);
                LOG.info("job {}: stored schedule trigger {} removed", jobId, key.getName());
            }
        }
    }

    private static boolean matches(Trigger stored, TriggerSpec.Schedule schedule) {
        return stored instanceof CronTrigger cron && cron.getCronExpression().equals(schedule.cron().strip())
                && cron.getTimeZone().getID().equals(zone(schedule).getID())
                && cron.getMisfireInstruction() == misfireInstruction(schedule);
    }

    private static int indexOf(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static TimeZone zone(TriggerSpec.Schedule schedule) {
        return TimeZone.getTimeZone(java.time.ZoneId.of(schedule.timezone() == null ? "UTC" : schedule.timezone()));
    }

    /** skip: Quartz's DO_NOTHING; fire-once (the default): FIRE_ONCE_NOW. */
    static int misfireInstruction(TriggerSpec.Schedule schedule) {
        return "skip".equals(schedule.misfire()) ? CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING
                : CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW;
    }
}
