package io.caravan.job.compiler;

import io.caravan.job.model.JobDefinition;
import org.apache.camel.builder.RouteBuilder;

/**
 * A job compiled into Camel routes.
 *
 * @param job the definition it was compiled from
 * @param version the definition's version
 * @param routes adds the job's route ({@link #routeId()}) to a CamelContext
 */
public record CompiledJob(JobDefinition job, int version, RouteBuilder routes) {

    /** The id of the job's route: {@code job.<id>}. */
    public String routeId() {
        return JobCompiler.routeId(job.id());
    }

    /** The endpoint that starts an execution of the job. */
    public String endpointUri() {
        return JobCompiler.endpointUri(job.id());
    }
}
