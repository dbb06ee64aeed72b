package io.caravan.runtime.hooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.api.ProblemResponses;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The webhook endpoint, {@code POST /hooks/{job_id}}, on platform-http. It takes no API token:
 * the request's signature, made with the trigger's secret, is its credential.
 */
public final class HookRoutes extends RouteBuilder {

    private final WebhookIntake intake;
    private final ObjectMapper json;

    public HookRoutes(WebhookIntake intake, ObjectMapper json) {
        this.intake = intake;
        this.json = json;
    }

    @Override
    public void configure() {
        onException(ApiException.class).handled(true)
                .process(e -> ProblemResponses.write(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, ApiException.class), json));
        onException(Exception.class).handled(true)
                .process(e -> ProblemResponses.write(e, ProblemResponses.of(e.getProperty(Exchange.EXCEPTION_CAUGHT,
                        Exception.class), e), json));
        from("platform-http:/hooks/{jobId}?httpMethodRestrict=POST").routeId("hooks").process(intake::receive);
    }
}
