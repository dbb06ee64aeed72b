package io.caravan.runtime.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.runtime.access.Access;
import io.caravan.runtime.access.Principal;
import io.caravan.runtime.access.Tokens;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.api.ProblemResponses;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code GET /metrics}: every meter of this node as Prometheus text. Open by default, as
 * {@code /health} is; with {@code CARAVAN_METRICS_AUTH=true} it takes a bearer token of any role,
 * like the API's reads of what belongs to no namespace.
 */
public final class MetricsRoutes extends RouteBuilder {

    /** The content type of the Prometheus text format the registry writes. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Metrics metrics;
    private final Tokens tokens;
    private final boolean authenticated;
    private final ObjectMapper json;

    /**
     * @param tokens the API's tokens, asked only when {@code authenticated}
     */
    public MetricsRoutes(Metrics metrics, Tokens tokens, boolean authenticated, ObjectMapper json) {
        this.metrics = metrics;
        this.tokens = tokens;
        this.authenticated = authenticated;
        this.json = json;
    }

    @Override
    public void configure() {
        onException(ApiException.class).handled(true)
                .process(e -> ProblemResponses.write(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, ApiException.class), json));
        from("platform-http:/metrics?httpMethodRestrict=GET").routeId("api.metrics").process(this::scrape);
    }

    private void scrape(Exchange e) {
        if (authenticated) {
            authenticate(e.getMessage().getHeader("Authorization", String.class));
        }
        e.getMessage().removeHeaders("*"); // nothing of the request goes back
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, PROMETHEUS_TEXT);
        e.getMessage().setBody(metrics.scrape());
    }

    private void authenticate(String header) {
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        Principal who = token == null ? null : tokens.principal(token);
        if (who == null) {
            throw ApiException.unauthorized(token == null
                    ? "/metrics needs a token (CARAVAN_METRICS_AUTH is true): send Authorization: Bearer <token>"
                    : "the token is not valid");
        }
        Access.VIEW_ANY.check(who, "metrics", Principal.DEFAULT_NAMESPACE);
    }
}
