package io.caravan.runtime.triggers;

import org.apache.camel.CamelContext;

/** The routes a job's triggers run as: {@code job.<id>.<kind>.<n>}. */
final class TriggerRoutes {

    private TriggerRoutes() {
    }

    static String id(String jobId, String kind, int index) {
        return "job." + jobId + "." + kind + "." + index;
    }

    /** Stops and removes a job's first {@code count} routes of a kind; ones not there are skipped. */
    static void remove(CamelContext camel, String jobId, String kind, int count) throws Exception {
        for (int index = 0; index < count; index++) {
            String routeId = id(jobId, kind, index);
            if (camel.getRoute(routeId) != null) {
                camel.getRouteController().stopRoute(routeId);
                camel.removeRoute(routeId);
            }
        }
    }
}
