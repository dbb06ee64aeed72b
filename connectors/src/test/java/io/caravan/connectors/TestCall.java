package io.caravan.connectors;

import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.ExecutionListener;
import io.caravan.job.step.StepCall;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/** A step call on a real CamelContext, for running one step kind directly in a test. */
public record TestCall(CamelContext camel, ProducerTemplate producer, ExecutionContext execution, String stepId)
        implements StepCall {

    /** A call of step {@code stepId} in a fresh execution of job "job". */
    public static TestCall of(CamelContext camel, String stepId) {
        return new TestCall(camel, camel.createProducerTemplate(),
                ExecutionContext.start("exec-1", "job", 1, null, Map.of(), ExecutionListener.NONE), stepId);
    }

    private static final io.caravan.job.expression.Expressions EXPRESSIONS = new io.caravan.job.expression.Expressions();

    /** As the compiled step renders a per-row field: the execution's scope plus {@code names}. */
    @Override
    public Object render(Object written, String field, Map<String, Object> names)
            throws io.caravan.job.step.StepException {
        Map<String, Object> scope = new java.util.HashMap<>(execution.scope());
        scope.putAll(names);
        try {
            return io.caravan.job.expression.Template.renderTree(written, scope, EXPRESSIONS);
        } catch (io.caravan.job.expression.ExpressionException e) {
            throw new io.caravan.job.step.StepException("expression", field + ": " + e.getMessage(), false, e);
        }
    }
}
