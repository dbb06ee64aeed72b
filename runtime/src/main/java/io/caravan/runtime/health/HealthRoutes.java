package io.caravan.runtime.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The probes, without a token (an orchestrator has none): {@code GET /health/live} answers 200
 * while the process serves, 503 once it is stopping; {@code GET /health/ready} answers 200 only
 * when every check of {@link Readiness} is up, 503 otherwise, both with each check's state.
 */
public final class HealthRoutes extends RouteBuilder {

    private final Readiness readiness;
    private final BooleanSupplier stopping;
    private final ObjectMapper json;

    public HealthRoutes(Readiness readiness, BooleanSupplier stopping, ObjectMapper json) {
        this.readiness = readiness;
        this.stopping = stopping;
        this.json = json;
    }

    @Override
    public void configure() {
        from("platform-http:/health/live?httpMethodRestrict=GET").routeId("health.live").process(e -> {
            boolean up = !stopping.getAsBoolean();
            reply(e, up ? 200 : 503, json.createObjectNode().put("status", up ? "UP" : "STOPPING"));
        });
        from("platform-http:/health/ready?httpMethodRestrict=GET").routeId("health.ready").process(e -> {
            Readiness.Report report = readiness.report();
            ObjectNode body = json.createObjectNode().put("status", report.ready() ? "UP" : "DOWN");
            ObjectNode checks = body.putObject("checks");
            report.checks().forEach((name, state) -> checks.putObject(name)
                    .put("status", state.up() ? "UP" : "DOWN").put("detail", state.detail()));
            reply(e, report.ready() ? 200 : 503, body);
        });
    }

    private void reply(Exchange e, int status, ObjectNode body) throws Exception {
        io.caravan.runtime.api.Replies.json(e, status, body, json);
    }
}
