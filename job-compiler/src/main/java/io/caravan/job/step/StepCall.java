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

    /**
     * The step's {@code timeout} (or the job's {@code defaults.timeout}), or null: a kind bounds
     * each of its waits by it (an HTTP response, a SQL statement). It is a fixed value per step,
     * so endpoints built from it stay few.
     */
    default java.time.Duration timeout() {
        return null;
    }

    /**
     * Renders a value as written (a {@link StepKind#perRowFields per-row field}) against the
     * execution's context plus {@code names} (such as {@code row}); {@code field} names it in errors.
     *
     * @throws StepException when an expression in it fails
     */
    default Object render(Object written, String field, java.util.Map<String, Object> names) throws StepException {
        throw new UnsupportedOperationException("this call renders nothing");
    }
}
