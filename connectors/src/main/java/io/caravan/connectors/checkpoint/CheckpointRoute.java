package io.caravan.connectors.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.storage.ObjectPaths;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.JobCompiler;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.job.execution.LeaseExpiredException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The context checkpoint every step of every job goes through: writes {@code context.json}
 * ({@link Checkpoints}, a conditional write), then tells the execution's listener (which updates the database row — so the
 * object is always written before the row says the step ended), and stops the job's route
 * after a failed step. A context that cannot be written ends the job's route with a
 * {@link CheckpointException}; a listener that fails ends it with the listener's own exception.
 */
public final class CheckpointRoute extends RouteBuilder {

    /** The route's id. */
    public static final String ROUTE_ID = "caravan.checkpoint";

    private static final String WRITE_URI = "direct:caravan-checkpoint-write";
    private static final String GIVEN_UP = "caravan.checkpoint.givenUp";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CheckpointRoute.class);

    private final Checkpoints checkpoints;

    public CheckpointRoute(ObjectStore store, ObjectMapper json) {
        this.checkpoints = new Checkpoints(store, json);
    }

    /** The route, its writes measured in {@code meters} (see {@link Checkpoints}). */
    public CheckpointRoute(ObjectStore store, ObjectMapper json, io.micrometer.core.instrument.MeterRegistry meters) {
        this.checkpoints = new Checkpoints(store, json, meters);
    }

    @Override
    public void configure() {
        errorHandler(noErrorHandler()); // a failed write goes back to the job's route and its worker
        from(JobCompiler.CHECKPOINT_URI).routeId(ROUTE_ID)
                .to(WRITE_URI).id("caravan.checkpoint.send")
                .process(CheckpointRoute::written).id("caravan.checkpoint.recorded");

        // An object store that is down must not fail the steps that ran: the write is tried
        // again (Camel's redelivery, backing off to 5 s) for as long as the execution is wanted —
        // until it is cancelled, its node stops or its lease is lost. Only then is it given up,
        // as a typed CheckpointException, so the runtime can tell "the step's outcome is not
        // durable" from anything else. A write refused because another node has written the
        // checkpoint since, or because this node's lease may have run out, is never tried
        // again: another node holds the execution now, or may.
        from(WRITE_URI).routeId(ROUTE_ID + ".write")
                .errorHandler(defaultErrorHandler()) // redelivery needs it; the builder's default is none
                .onException(ObjectStore.ConflictException.class, LeaseExpiredException.class)
                    .logExhausted(false)
                    .continued(true)
                    .process(CheckpointRoute::givenUp)
                .end()
                .onException(Exception.class)
                    .maximumRedeliveries(-1)
                    .redeliveryDelay(200)
                    .useExponentialBackOff()
                    .backOffMultiplier(2)
                    .maximumRedeliveryDelay(5000)
                    .retryWhile(exchange -> !ExecutionContext.of(exchange).isStopRequested())
                    .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN)
                    .logExhausted(false)
                    .continued(true) // back to the checkpoint route, which fails the exchange with the type
                    .process(CheckpointRoute::givenUp)
                .end()
                .process(this::put).id("caravan.checkpoint.put");
    }

    /**
     * One try of the write; the listener is asked right before each, since a try may come long
     * after the one before. One processor, not two: {@code continued} would go on to the write
     * after a refusal.
     */
    private void put(Exchange exchange) {
        ExecutionContext execution = ExecutionContext.of(exchange);
        execution.listener().checkpointing(execution);
        checkpoints.write(execution);
        int tries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        if (tries > 0) { // the warnings of the failed tries need their end
            LOG.info("checkpoint of execution {} written after {} failed tries", execution.executionId(), tries);
        }
    }

    /** Records why the write was given up; {@link #written} turns it into the route's failure. */
    private static void givenUp(Exchange exchange) {
        exchange.setProperty(GIVEN_UP, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    private static void notWritten(Exchange exchange, Exception cause) {
        ExecutionContext execution = ExecutionContext.of(exchange);
        throw new CheckpointException(execution.executionId(), execution.lastStep(),
                ObjectPaths.context(execution.jobId(), execution.executionId()), cause);
    }

    private static void written(Exchange exchange) {
        ExecutionContext execution = ExecutionContext.of(exchange);
        Exception givenUp = exchange.getProperty(GIVEN_UP, Exception.class);
        if (givenUp != null) {
            exchange.removeProperty(GIVEN_UP);
            notWritten(exchange, givenUp);
        }
        exchange.getMessage().setBody(null);
        if (execution.lastStep() != null) { // null when every step so far had finished before a resume
            execution.listener().stepCheckpointed(execution, execution.lastStep());
        }
        if (execution.hasFailed()) {
            exchange.setRouteStop(true);
        }
    }
}
