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
}
