package io.caravan.connectors;

import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.step.StepCall;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/** A call with the step's timeout set, as the compiled step gives it. */
public record TimedCall(StepCall call, Duration timeout) implements StepCall {

    @Override
    public CamelContext camel() {
        return call.camel();
    }

    @Override
    public ProducerTemplate producer() {
        return call.producer();
    }

    @Override
    public ExecutionContext execution() {
        return call.execution();
    }

    @Override
    public String stepId() {
        return call.stepId();
    }
}
