package io.caravan.job.compiler;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.expression.Expressions;
import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.model.RetryPolicy;
import io.caravan.job.model.StepSpec;
import io.caravan.job.step.StepKind;
import io.caravan.job.step.StepKinds;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * Compiles a validated job into one Camel route, {@code job.<id>}: a node per step with node id
 * {@code <job>.<step>} (unique in the context, so JMX and Hawtio show each step by name), each
 * followed by the context checkpoint.
 */
public final class JobCompiler {

    /** The route every step's checkpoint goes through; the connectors module provides it. */
    public static final String CHECKPOINT_URI = "direct:caravan-checkpoint";

    /** The route group of all job routes. */
    public static final String ROUTE_GROUP = "jobs";

    private final StepKinds kinds;
    private final Renderer renderer;
    private final ObjectMapper json;

    public JobCompiler(StepKinds kinds, Expressions expressions, ObjectMapper json) {
        this.kinds = kinds;
        this.json = json;
        this.renderer = new Renderer(expressions, json);
    }

    /** The route id of a job. */
    public static String routeId(String jobId) {
        return "job." + jobId;
    }

    /** The endpoint that starts an execution of a job. */
    public static String endpointUri(String jobId) {
        return "direct:job." + jobId;
    }

    /**
     * Compiles a job that has passed validation.
     *
     * @throws IllegalArgumentException when a step's kind is unknown
     */
    public CompiledJob compile(JobDefinition job, int version) {
        for (StepSpec step : job.steps()) {
            kindOf(step);
        }
        RouteBuilder routes = new RouteBuilder() {
            @Override
            public void configure() {
                // a step records its own failure; anything else (a checkpoint that cannot be
                // written) ends the exchange and is reported once, by the worker that sent it
                errorHandler(noErrorHandler());
                RouteDefinition route = from(endpointUri(job.id()))
                        .routeId(routeId(job.id()))
                        .routeGroup(ROUTE_GROUP)
                        .routeDescription(job.displayName() + " (version " + version + ")");
                for (StepSpec step : job.steps()) {
                    String nodeId = job.id() + "." + step.id();
                    route.process(processor(job, step)).id(nodeId).description(describe(step));
                    route.to(CHECKPOINT_URI).id(nodeId + ".checkpoint");
                }
            }
        };
        return new CompiledJob(job, version, routes);
    }

    private StepProcessor<?> processor(JobDefinition job, StepSpec step) {
        RetryPolicy defaults = job.defaults() == null ? null : job.defaults().retry();
        String timeout = step.timeout() != null ? step.timeout()
                : job.defaults() == null ? null : job.defaults().timeout();
        return new StepProcessor<>(step, kindOf(step), renderer, json, Retries.of(retryOf(step), defaults),
                timeout == null ? null : java.time.Duration.parse(timeout));
    }

    private RetryPolicy retryOf(StepSpec step) {
        JsonNode retry = step.node().get("retry");
        if (retry == null || retry.isNull()) {
            return null;
        }
        try {
            return json.treeToValue(retry, RetryPolicy.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("step '" + step.id() + "' has an invalid retry: " + e.getOriginalMessage(), e);
        }
    }

    private StepKind<?> kindOf(StepSpec step) {
        StepKind<?> kind = kinds.get(step.type());
        if (kind == null) {
            throw new IllegalArgumentException("step '" + step.id() + "' has unknown type '" + step.type() + "'");
        }
        return kind;
    }

    private static String describe(StepSpec step) {
        return step.type() + " step '" + step.id() + "'" + (step.name() == null ? "" : ": " + step.name());
    }
}
