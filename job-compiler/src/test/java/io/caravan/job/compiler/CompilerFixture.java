package io.caravan.job.compiler;


import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.ExecutionListener;
import io.caravan.job.expression.Expressions;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.step.StepKinds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A CamelContext with the checkpoint route and test step kinds, for compiling and running jobs. */
abstract class CompilerFixture {

    protected static final ObjectMapper JSON = new ObjectMapper();

    /** Every step run, in order, as {@code <step>:<value>}. */
    protected final List<String> ran = new CopyOnWriteArrayList<>();

    /** The step each checkpoint saw ({@link ExecutionContext#lastStep()}). */
    protected final List<String> checkpoints = new CopyOnWriteArrayList<>();

    /** The steps the listener was told have started. */
    protected final List<String> started = new CopyOnWriteArrayList<>();

    record EchoConfig(Object value) {
    }

    record FailConfig(String reason) {
    }

    /** Returns {@code {value: <rendered value>}}. */
    final class EchoKind implements StepKind<EchoConfig> {
        @Override
        public String type() {
            return "echo";
        }

        @Override
        public Class<EchoConfig> configType() {
            return EchoConfig.class;
        }

        @Override
        public String description() {
            return "Returns its value.";
        }

        @Override
        public Object run(EchoConfig config, StepCall call) {
            ran.add(call.stepId() + ":" + config.value());
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("value", config.value());
            return output;
        }
    }

    /**
     * Fails with a classified error, or an unclassified one when the reason is "crash"; a reason
     * starting with "pass" succeeds with {@code {reason}}.
     */
    final class FailKind implements StepKind<FailConfig> {
        @Override
        public String type() {
            return "fail";
        }

        @Override
        public Class<FailConfig> configType() {
            return FailConfig.class;
        }

        @Override
        public String description() {
            return "Fails.";
        }

        @Override
        public Object run(FailConfig config, StepCall call) throws Exception {
            ran.add(call.stepId() + ":" + config.reason());
            if (config.reason().startsWith("pass")) {
                return Map.of("reason", config.reason());
            }
            if ("crash".equals(config.reason())) {
                throw new IllegalStateException("kaboom");
            }
            if (config.reason().startsWith("flaky:")) { // retryable for the first N calls of the step
                int failures = Integer.parseInt(config.reason().substring(6));
                if (calls.merge(call.stepId(), 1, Integer::sum) <= failures) {
                    throw new StepException("test.flaky", "flaky, call " + calls.get(call.stepId()), true);
                }
                return Map.of("calls", calls.get(call.stepId()));
            }
            if ("busy".equals(config.reason()) && calls.merge(call.stepId(), 1, Integer::sum) == 1) {
                throw new StepException("test.busy", "busy", true, null, java.time.Duration.ofMillis(200));
            }
            if ("busy".equals(config.reason())) {
                return Map.of("calls", calls.get(call.stepId()));
            }
            throw new StepException("test.refused", "refused: " + config.reason(), false);
        }
    }

    /** Calls per step, for kinds that fail a number of times. */
    protected final Map<String, Integer> calls = new java.util.concurrent.ConcurrentHashMap<>();
    /** The failed attempts the listener was told of, as "step:type". */
    protected final List<String> failedAttempts = new CopyOnWriteArrayList<>();

    protected final ExecutionListener listener = new ExecutionListener() {
        @Override
        public boolean stepStarted(ExecutionContext execution, String stepId) {
            started.add(stepId);
            return true;
        }

        @Override
        public void attemptFailed(ExecutionContext execution, String stepId, String type, String message) {
            failedAttempts.add(stepId + ":" + type);
        }

        @Override
        public void stepCheckpointed(ExecutionContext execution, String stepId) {
        }
    };

    protected DefaultCamelContext camel;
    protected JobCompiler compiler;

    @BeforeEach
    void startCamel() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(JobCompiler.CHECKPOINT_URI).routeId("test.checkpoint").process(exchange -> {
                    ExecutionContext execution = ExecutionContext.of(exchange);
                    checkpoints.add(String.valueOf(execution.lastStep()));
                    if (execution.hasFailed()) {
                        exchange.setRouteStop(true);
                    }
                });
            }
        });
        camel.start();
        compiler = new JobCompiler(new StepKinds(List.of(new EchoKind(), new FailKind())), new Expressions(), JSON);
    }

    @AfterEach
    void stopCamel() {
        camel.stop();
    }

    protected CompiledJob deploy(String document) throws Exception {
        CompiledJob compiled = compiler.compile(JSON.readValue(document, JobDefinition.class), 3);
        camel.addRoutes(compiled.routes());
        return compiled;
    }

    protected ExecutionContext run(CompiledJob job, Map<String, Object> params) {
        return run(job, ExecutionContext.start("exec-1", job.job().id(), job.version(), null, params, listener));
    }

    protected ExecutionContext run(CompiledJob job, ExecutionContext execution) {
        camel.createProducerTemplate().send(job.endpointUri(),
                exchange -> exchange.setProperty(ExecutionContext.PROPERTY, execution));
        return execution;
    }

    @SuppressWarnings("unchecked")
    protected static Map<String, Object> output(ExecutionContext execution, String stepId) {
        return (Map<String, Object>) execution.step(stepId).get("output");
    }

    // --- the route ----------------------------------------------------------------------------
}
