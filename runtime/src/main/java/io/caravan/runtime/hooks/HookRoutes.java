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

    /** Completes the exchange of a {@code respond: sync} call when its answer comes; other calls pass through. */
    private final class SyncReply extends org.apache.camel.support.AsyncProcessorSupport {
        @Override
        public boolean process(Exchange exchange, org.apache.camel.AsyncCallback callback) {
            @SuppressWarnings("unchecked")
            java.util.concurrent.CompletableFuture<SyncAnswers.Answer> pending =
                    exchange.getProperty(WebhookIntake.PENDING, java.util.concurrent.CompletableFuture.class);
            if (pending == null) {
                callback.done(true);
                return true;
            }
            pending.whenComplete((answer, failure) -> {
                try {
                    if (failure != null) {
                        exchange.setException(failure);
                    } else {
                        intake.reply(exchange, answer);
                    }
                } catch (Exception e) {
                    exchange.setException(e);
                }
                callback.done(false);
            });
            return false;
        }
    }

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
        from("platform-http:/hooks/{jobId}?httpMethodRestrict=POST").routeId("hooks").process(intake::receive)
                .process(new SyncReply());
    }
}
