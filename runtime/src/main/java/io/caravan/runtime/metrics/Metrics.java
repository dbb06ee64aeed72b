package io.caravan.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;

/**
 * The meters of one node, served as Prometheus text at {@code /metrics} ({@link MetricsRoutes}):
 * Caravan's own (executions, steps, queue, leases, webhooks, checkpoints), camel-micrometer's
 * route meters, and the JVM's. Every name, type and label is listed in docs/operations/metrics.md.
 */
public final class Metrics implements AutoCloseable {

    /**
     * Route ids that get no Camel route meters: the API's own routes, one per endpoint, say nothing
     * about jobs; the checkpoint routes run twice per step on the hot path, and their writes have
     * their own meters ({@code caravan_checkpoint_*}).
     */
    private static final String UNMETERED_ROUTES = "api.*,caravan.checkpoint*";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics(); // listens to GC notifications until closed

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Where Caravan's parts register their meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Makes this registry Camel's: the {@code micrometer:} component finds it by its usual name,
     * and every route added from now on — the job routes {@code job.<id>}, the webhook route, the
     * triggers' routes — gets camel-micrometer's route meters ({@code camel_exchanges_*},
     * {@code camel_route_policy_seconds}). Called before the routes are added.
     */
    public void instrument(CamelContext camel) {
        camel.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        MicrometerRoutePolicyConfiguration routes = new MicrometerRoutePolicyConfiguration();
        routes.setExcludePattern(UNMETERED_ROUTES);
        MicrometerRoutePolicyFactory policies = new MicrometerRoutePolicyFactory();
        policies.setMeterRegistry(registry);
        policies.setPolicyConfiguration(routes);
        camel.addRoutePolicyFactory(policies);
    }

    /** Every meter in the Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
