package io.caravan.job.step;

import io.caravan.job.execution.ExecutionContext;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/** What a running step may use: the Camel context to reach endpoints, and its execution. */
public interface StepCall {

    /** The CamelContext that holds the job's route. */
    CamelContext camel();

    /** A producer shared by all steps, for sending to Camel endpoints. */
    ProducerTemplate producer();

    /** The execution this step belongs to. */
    ExecutionContext execution();

    /** The id of the running step. */
    String stepId();
}
