package io.caravan.runtime.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (DESIGN §6) in Camel's REST DSL on platform-http (Vert.x), with its OpenAPI
 * document. Every {@code /api} call needs a bearer token; refusals are problem+json.
 */
public final class ApiRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    static final String PROBLEM_JSON = "application/problem+json";

    /** The handlers of the API's features. */
    public record Features(Handlers handlers, io.caravan.runtime.secrets.SecretsApi secrets,
            io.caravan.runtime.connections.ConnectionsApi connections, io.caravan.runtime.jobs.VersionsApi versions,
            io.caravan.runtime.bundles.BundlesApi bundles, io.caravan.runtime.jobs.CatalogueApi catalogue) {
    }

    private final Handlers handlers;
    private final io.caravan.runtime.secrets.SecretsApi secrets;
    private final io.caravan.runtime.connections.ConnectionsApi connections;
    private final io.caravan.runtime.jobs.VersionsApi versions;
    private final io.caravan.runtime.bundles.BundlesApi bundles;
    private final io.caravan.runtime.jobs.CatalogueApi catalogue;
    private final Tokens tokens;
    private final ObjectMapper json;
    private final BooleanSupplier ready;

    public ApiRoutes(Features features, Tokens tokens, ObjectMapper json, BooleanSupplier ready) {
        this.handlers = features.handlers();
        this.secrets = features.secrets();
        this.connections = features.connections();
        this.versions = features.versions();
        this.bundles = features.bundles();
        this.catalogue = features.catalogue();
        this.tokens = tokens;
        this.json = json;
        this.ready = ready;
    }

    @Override
    public void configure() {
        onException(ApiException.class).handled(true).process(e -> problem(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, ApiException.class)));
        // Camel matches onException from the innermost cause outwards, so one handler looks
        // through the whole chain for what the failure really is
        onException(Exception.class).handled(true)
                .process(e -> problem(e, ProblemResponses.of(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class), e)));
        interceptFrom("rest:*").process(this::authenticate);

        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off)
                .apiContextPath("/api/v1/openapi.json")
                .apiProperty("api.title", "Caravan API").apiProperty("api.version", "1")
                .apiProperty("api.description", "Jobs as JSON, compiled into Camel routes; executions checkpointed to S3.");

        rest("/api/v1").produces("application/json")
                .post("/jobs/validate").to("direct:api.jobs.validate")
                .post("/jobs").to("direct:api.jobs.create")
                .post("/jobs/export").to("direct:api.bundles.export")
                .post("/jobs/import").to("direct:api.bundles.import")
                .post("/jobs/bulk").to("direct:api.catalogue.bulk")
                .post("/jobs/{id}/instantiate").to("direct:api.catalogue.instantiate")
                .get("/jobs").to("direct:api.jobs.list")
                .get("/jobs/{id}").to("direct:api.jobs.get")
                .put("/jobs/{id}").to("direct:api.jobs.update")
                .patch("/jobs/{id}").to("direct:api.jobs.patch")
                .get("/jobs/{id}/versions").to("direct:api.versions.list")
                .get("/jobs/{id}/versions/{version}").to("direct:api.versions.get")
                .get("/jobs/{id}/diff").to("direct:api.versions.diff")
                .post("/jobs/{id}/rollback").to("direct:api.versions.rollback")
                .put("/jobs/{id}/tags/{tag}").to("direct:api.versions.tag")
                .delete("/jobs/{id}/tags/{tag}").to("direct:api.versions.untag")
                .delete("/jobs/{id}").to("direct:api.jobs.delete")
                .get("/jobs/{id}/route").produces("application/yaml").to("direct:api.jobs.route")
                .post("/jobs/{id}/executions").to("direct:api.executions.create")
                .get("/executions").to("direct:api.executions.list")
                .get("/executions/{id}").to("direct:api.executions.get")
                .get("/executions/{id}/context").to("direct:api.executions.context")
                .get("/executions/{id}/files").to("direct:api.executions.files")
                .get("/executions/{id}/files/{name}").produces("*/*").to("direct:api.executions.file")
                .post("/executions/{id}/retry").to("direct:api.executions.retry")
                .post("/executions/{id}/cancel").to("direct:api.executions.cancel")
                .get("/schema/job.json").to("direct:api.schema")
                .get("/nodes").to("direct:api.nodes")
                .get("/queue").to("direct:api.queue")
                .put("/secrets/{name}").to("direct:api.secrets.put")
                .get("/secrets").to("direct:api.secrets.list")
                .get("/secrets/{name}").to("direct:api.secrets.get")
                .delete("/secrets/{name}").to("direct:api.secrets.delete")
                .post("/connections").to("direct:api.connections.create")
                .get("/connections").to("direct:api.connections.list")
                .get("/connections/{name}").to("direct:api.connections.get")
                .put("/connections/{name}").to("direct:api.connections.update")
                .delete("/connections/{name}").to("direct:api.connections.delete")
                .post("/connections/{name}/test").to("direct:api.connections.test");

        handle("api.jobs.validate", handlers::validate);
        handle("api.jobs.create", handlers::createJob);
        handle("api.jobs.list", handlers::listJobs);
        handle("api.jobs.get", handlers::getJob);
        handle("api.jobs.update", handlers::updateJob);
        handle("api.jobs.patch", handlers::patchJob);
        handle("api.jobs.delete", handlers::deleteJob);
        handle("api.jobs.route", handlers::route);
        handle("api.bundles.export", bundles::export);
        handle("api.catalogue.bulk", catalogue::bulk);
        handle("api.catalogue.instantiate", catalogue::instantiate);
        handle("api.bundles.import", bundles::importBundle);
        handle("api.versions.list", versions::list);
        handle("api.versions.get", versions::get);
        handle("api.versions.diff", versions::diff);
        handle("api.versions.rollback", versions::rollback);
        handle("api.versions.tag", versions::tag);
        handle("api.versions.untag", versions::untag);
        handle("api.executions.create", handlers::run);
        handle("api.executions.list", handlers::listExecutions);
        handle("api.executions.get", handlers::getExecution);
        handle("api.executions.context", handlers::context);
        handle("api.executions.files", handlers::files);
        handle("api.executions.file", handlers::file);
        handle("api.executions.retry", handlers::retry);
        handle("api.executions.cancel", handlers::cancel);
        handle("api.schema", handlers::schema);
        handle("api.nodes", handlers::nodes);
        handle("api.queue", handlers::queue);
        handle("api.secrets.put", secrets::put);
        handle("api.secrets.list", secrets::list);
        handle("api.secrets.get", secrets::get);
        handle("api.secrets.delete", secrets::delete);
        handle("api.connections.create", connections::create);
        handle("api.connections.list", connections::list);
        handle("api.connections.get", connections::get);
        handle("api.connections.update", connections::update);
        handle("api.connections.delete", connections::delete);
        handle("api.connections.test", connections::test);

        from("platform-http:/health?httpMethodRestrict=GET").routeId("api.health").process(e -> {
            boolean up = ready.getAsBoolean();
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setBody(up ? "{\"status\":\"UP\"}" : "{\"status\":\"STARTING\"}");
        });
    }

    private void handle(String name, org.apache.camel.Processor processor) {
        from("direct:" + name).routeId(name).process(processor);
    }

    /** Answers 401 and ends the exchange unless it carries a valid bearer token. */
    private void authenticate(Exchange exchange) throws Exception {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        exchange.getMessage().removeHeader("Authorization");
        String holder = tokens.holder(token);
        exchange.setProperty(Tokens.HOLDER, holder);
        if (holder == null) {
            // an exception thrown in an interceptor escapes the route's onException, so answer here
            problem(exchange, ApiException.unauthorized(token == null
                    ? "send Authorization: Bearer <token>" : "the token is not valid"));
            exchange.setRouteStop(true);
        }
    }

    private void problem(Exchange exchange, ApiException e) throws Exception {
        ProblemResponses.write(exchange, e, json);
    }
}
