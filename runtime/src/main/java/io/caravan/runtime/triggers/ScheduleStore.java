package io.caravan.runtime.triggers;

import java.util.Properties;
import org.apache.camel.component.quartz.QuartzComponent;

/**
 * The camel-quartz component on Quartz's clustered JDBC job store in Caravan's PostgreSQL (tables
 * made by the Flyway migration V2): one scheduler name on every node and one CamelContext name
 * ({@code caravan}), so any node can take any fire, each fire exactly once. Quartz pools its
 * own few connections with HikariCP.
 */
public final class ScheduleStore {

    /** How often nodes check in: a dead node's fires are taken over after about this long. */
    static final int CHECKIN_MILLIS = 2000;
    /**
     * A fire later than this is a misfire, handled as the schedule's {@code misfire} says. Well
     * above a node's take-over time (check-in plus Quartz's 7.5 s grace): the seconds a dead node
     * missed are fired late by another, not left to Quartz's misfire handler, which only looks
     * once per threshold.
     */
    static final int MISFIRE_MILLIS = 60_000;

    private ScheduleStore() {
    }

    /** Starts taking fires; call once the jobs are loaded. */
    public static void start(org.apache.camel.CamelContext camel) throws org.quartz.SchedulerException {
        org.quartz.Scheduler scheduler = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        if (scheduler != null && !scheduler.isStarted()) {
            scheduler.start();
        }
    }

    /**
     * The component, to register as {@code quartz}; Quartz's instance id is the node's id (they
     * must be unique anyway), so {@code qrtz_scheduler_state} names the nodes as Caravan does.
     */
    public static QuartzComponent component(String jdbcUrl, String user, String password, String nodeId) {
        Properties q = new Properties();
        q.setProperty("org.quartz.scheduler.instanceName", "caravan");
        q.setProperty("org.quartz.scheduler.instanceId", nodeId);
        q.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        q.setProperty("org.quartz.threadPool.threadCount", "4");
        q.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        q.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        q.setProperty("org.quartz.jobStore.dataSource", "caravan");
        q.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        q.setProperty("org.quartz.jobStore.isClustered", "true");
        q.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(CHECKIN_MILLIS));
        q.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(MISFIRE_MILLIS));
        q.setProperty("org.quartz.dataSource.caravan.provider", "hikaricp");
        q.setProperty("org.quartz.dataSource.caravan.driver", "org.postgresql.Driver");
        q.setProperty("org.quartz.dataSource.caravan.URL", jdbcUrl);
        q.setProperty("org.quartz.dataSource.caravan.user", user);
        q.setProperty("org.quartz.dataSource.caravan.password", password);
        q.setProperty("org.quartz.dataSource.caravan.maxConnections", "6");
        QuartzComponent quartz = new QuartzComponent();
        quartz.setProperties(q);
        // started by Caravan once every job's schedule routes are loaded: a fire taken before
        // would find no route here and be lost
        quartz.setAutoStartScheduler(false);
        return quartz;
    }
}
