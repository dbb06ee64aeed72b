package io.caravan.runtime.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import java.util.function.BooleanSupplier;
import io.caravan.runtime.access.Access;
import io.caravan.runtime.access.AuditApi;
import io.caravan.runtime.access.AuditLog;
import io.caravan.runtime.access.Principal;
import io.caravan.runtime.access.Scopes;
import io.caravan.job.model.Namespaces;
import io.caravan.runtime.access.Tokens;
import io.caravan.runtime.access.TokensApi;
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
    private static final String UNKNOWN = "api.unknown";

    /** The handlers of the API's features. */
    public record Features(Handlers handlers, io.caravan.runtime.secrets.SecretsApi secrets,
            io.caravan.runtime.connections.ConnectionsApi connections, io.caravan.runtime.jobs.VersionsApi versions,
            io.caravan.runtime.bundles.BundlesApi bundles, io.caravan.runtime.jobs.CatalogueApi catalogue,
            TokensApi tokens, AuditApi audit, io.caravan.runtime.nodes.ExecutorStatus executor,
            io.caravan.runtime.metrics.StatsApi stats, io.caravan.runtime.access.NamespacesApi namespaces,
            io.caravan.runtime.console.ConsoleSettings console) {
    }

    private final Handlers handlers;
    private final io.caravan.runtime.secrets.SecretsApi secrets;
    private final io.caravan.runtime.connections.ConnectionsApi connections;
    private final io.caravan.runtime.jobs.VersionsApi versions;
    private final io.caravan.runtime.bundles.BundlesApi bundles;
    private final io.caravan.runtime.jobs.CatalogueApi catalogue;
    private final TokensApi tokensApi;
    private final AuditApi auditApi;
    private final io.caravan.runtime.nodes.ExecutorStatus executor;
    private final io.caravan.runtime.metrics.StatsApi stats;
    private final io.caravan.runtime.access.NamespacesApi namespaces;
    private final io.caravan.runtime.console.ConsoleSettings console;
    private final Tokens tokens;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final BooleanSupplier ready;

    public ApiRoutes(Features features, Tokens tokens, AuditLog audit, ObjectMapper json, BooleanSupplier ready) {
        this.handlers = features.handlers();
        this.secrets = features.secrets();
        this.connections = features.connections();
        this.versions = features.versions();
        this.bundles = features.bundles();
        this.catalogue = features.catalogue();
        this.tokensApi = features.tokens();
        this.auditApi = features.audit();
        this.executor = features.executor();
        this.stats = features.stats();
        this.namespaces = features.namespaces();
        this.console = features.console();
        this.tokens = tokens;
        this.audit = audit;
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
                .get("/jobs/{id}/stats").to("direct:api.jobs.stats")
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
                .get("/executor/status").to("direct:api.executor.status")
                .put("/secrets/{name}").to("direct:api.secrets.put")
                .get("/secrets").to("direct:api.secrets.list")
                .get("/secrets/{name}").to("direct:api.secrets.get")
                .delete("/secrets/{name}").to("direct:api.secrets.delete")
                .post("/connections").to("direct:api.connections.create")
                .get("/connections").to("direct:api.connections.list")
                .get("/connections/{name}").to("direct:api.connections.get")
                .put("/connections/{name}").to("direct:api.connections.update")
                .delete("/connections/{name}").to("direct:api.connections.delete")
                .post("/connections/{name}/test").to("direct:api.connections.test")
                .post("/tokens").to("direct:api.tokens.create")
                .get("/tokens").to("direct:api.tokens.list")
                .get("/tokens/{id}").to("direct:api.tokens.get")
                .delete("/tokens/{id}").to("direct:api.tokens.revoke")
                .get("/audit").to("direct:api.audit.list")
                .get("/namespaces").to("direct:api.namespaces.list")
                .get("/console/settings").to("direct:api.console.settings");

        handle("api.jobs.validate", Access.VIEW, Target.BODY, handlers::validate);
        handle("api.jobs.create", Access.EDIT, Target.BODY, handlers::createJob);
        handle("api.jobs.list", Access.VIEW, Target.LIST, handlers::listJobs);
        handle("api.jobs.get", Access.VIEW, Target.KEY, handlers::getJob);
        handle("api.jobs.update", Access.EDIT, Target.KEY, handlers::updateJob);
        handle("api.jobs.patch", Access.EDIT, Target.KEY, handlers::patchJob);
        handle("api.jobs.delete", Access.EDIT, Target.KEY, handlers::deleteJob);
        handle("api.jobs.route", Access.VIEW, Target.KEY, handlers::route);
        handle("api.jobs.stats", Access.VIEW, Target.KEY, stats::stats);
        handle("api.bundles.export", Access.VIEW, Target.LIST, bundles::export);
        handle("api.catalogue.bulk", Access.EDIT, Target.LIST, catalogue::bulk);
        handle("api.catalogue.instantiate", Access.EDIT, Target.KEY, catalogue::instantiate);
        handle("api.bundles.import", Access.EDIT, Target.BODY, bundles::importBundle);
        handle("api.versions.list", Access.VIEW, Target.KEY, versions::list);
        handle("api.versions.get", Access.VIEW, Target.KEY, versions::get);
        handle("api.versions.diff", Access.VIEW, Target.KEY, versions::diff);
        handle("api.versions.rollback", Access.EDIT, Target.KEY, versions::rollback);
        handle("api.versions.tag", Access.EDIT, Target.KEY, versions::tag);
        handle("api.versions.untag", Access.EDIT, Target.KEY, versions::untag);
        handle("api.executions.create", Access.OPERATE, Target.KEY, handlers::run);
        handle("api.executions.list", Access.VIEW, Target.LIST, handlers::listExecutions);
        handle("api.executions.get", Access.VIEW, Target.EXECUTION, handlers::getExecution);
        handle("api.executions.context", Access.VIEW, Target.EXECUTION, handlers::context);
        handle("api.executions.files", Access.VIEW, Target.EXECUTION, handlers::files);
        handle("api.executions.file", Access.VIEW, Target.EXECUTION, handlers::file);
        handle("api.executions.retry", Access.OPERATE, Target.EXECUTION, handlers::retry);
        handle("api.executions.cancel", Access.OPERATE, Target.EXECUTION, handlers::cancel);
        handle("api.schema", Access.VIEW_ANY, Target.NONE, handlers::schema);
        handle("api.nodes", Access.VIEW_ANY, Target.NONE, handlers::nodes);
        handle("api.queue", Access.VIEW_ANY, Target.NONE, handlers::queue);
        handle("api.executor.status", Access.VIEW_ANY, Target.NONE, executor::status);
        handle("api.secrets.put", Access.ADMINISTER, Target.NAME, secrets::put);
        handle("api.secrets.list", Access.ADMINISTER, Target.LIST, secrets::list);
        handle("api.secrets.get", Access.ADMINISTER, Target.NAME, secrets::get);
        handle("api.secrets.delete", Access.ADMINISTER, Target.NAME, secrets::delete);
        handle("api.connections.create", Access.EDIT, Target.BODY, connections::create);
        handle("api.connections.list", Access.VIEW, Target.LIST, connections::list);
        handle("api.connections.get", Access.VIEW, Target.NAME, connections::get);
        handle("api.connections.update", Access.EDIT, Target.NAME, connections::update);
        handle("api.connections.delete", Access.EDIT, Target.NAME, connections::delete);
        handle("api.connections.test", Access.OPERATE, Target.NAME, connections::test);
        handle("api.tokens.create", Access.ADMINISTER_ANY, Target.NONE, tokensApi::create);
        handle("api.tokens.list", Access.ADMINISTER_ANY, Target.NONE, tokensApi::list);
        handle("api.tokens.get", Access.ADMINISTER_ANY, Target.NONE, tokensApi::get);
        handle("api.tokens.revoke", Access.ADMINISTER_ANY, Target.NONE, tokensApi::revoke);
        handle("api.audit.list", Access.ADMINISTER_ANY, Target.NONE, auditApi::list);
        handle("api.namespaces.list", Access.VIEW_ANY, Target.NONE, namespaces::list);
        handle("api.console.settings", Access.VIEW_ANY, Target.NONE, console::get);

        // a path under /api that no endpoint has: problem+json like every other refusal, not the
        // server's HTML page. Vert.x matches routes in the order they were added, so this one is
        // started last, once everything else runs (startUnknown)
        from("platform-http:/api/*").routeId(UNKNOWN).autoStartup(false).process(e -> problem(e, ApiException.notFound(
                "no endpoint " + e.getMessage().getHeader(Exchange.HTTP_METHOD) + " " + e.getMessage().getHeader(Exchange.HTTP_URI)
                        + "; see /api/v1/openapi.json")));

        from("platform-http:/health?httpMethodRestrict=GET").routeId("api.health").process(e -> {
            boolean up = ready.getAsBoolean();
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setBody(up ? "{\"status\":\"UP\"}" : "{\"status\":\"STARTING\"}");
        });
    }

    /**
     * Starts the route that answers paths under {@code /api} that no endpoint has; called once
     * the context has started, so that the endpoints are matched before it.
     */
    public static void startUnknown(org.apache.camel.CamelContext camel) throws Exception {
        camel.getRouteController().startRoute(UNKNOWN);
    }

    /** Where the namespace an action touches is read from. */
    private enum Target {
        /** The path's {@code {id}}: a key, or an id qualified by {@code ?namespace=}. */
        KEY,
        /** The same, for the path's {@code {name}}. */
        NAME,
        /** The job of the execution the path names. */
        EXECUTION,
        /** The request's body, or (lists) every namespace the token may see: the handler narrows it ({@link Scopes}). */
        BODY,
        LIST,
        /** Nothing: the action touches what belongs to no namespace. */
        NONE
    }

    /**
     * The route of one API action: the caller's role is checked first, in the namespace of what
     * the action touches, and the action and its target are noted for the audit log before the
     * handler can clear the headers.
     */
    private void handle(String name, Access access, Target target, org.apache.camel.Processor processor) {
        String action = name.substring("api.".length());
        from("direct:" + name).routeId(name).process(e -> {
            e.setProperty(AuditLog.ACTION, action);
            e.setProperty(Scopes.ACCESS, access);
            String touched = target(e);
            Principal who = e.getProperty(Tokens.PRINCIPAL, Principal.class);
            switch (target) {
                case KEY, NAME -> {
                    String key = qualify(e, target == Target.KEY ? "id" : "name");
                    touched = touched == null ? null : key;
                    e.setProperty(AuditLog.NAMESPACE, Namespaces.of(key));
                    access.check(who, action, Namespaces.of(key));
                }
                case EXECUTION -> {
                    String namespace = handlers.namespaceOfExecution(e);
                    e.setProperty(AuditLog.NAMESPACE, namespace);
                    access.check(who, action, namespace);
                }
                case BODY, LIST, NONE -> new Access(access.role(), true).check(who, action, null);
            }
            e.setProperty(AuditLog.TARGET, touched);
        }).process(processor);
    }

    /**
     * The key the path's {@code {id}} (or {@code {name}}) stands for: itself when it names its
     * namespace ({@code ns.x}), else the name in {@code ?namespace=} (the default one without).
     * The header is set to the key, which is all the handlers read.
     */
    private static String qualify(Exchange e, String header) {
        String given = e.getMessage().getHeader(header, "", String.class);
        String asked = Scopes.namespaceAsked(e);
        if (given.indexOf('.') >= 0) {
            if (asked != null && !asked.equals(Namespaces.of(given))) {
                throw ApiException.notFound("'" + given.replace("\u0000", "") + "' is not in namespace '" + asked + "'");
            }
            return given;
        }
        String key = Namespaces.key(asked == null ? Namespaces.DEFAULT : asked, given);
        e.getMessage().setHeader(header, key);
        return key;
    }

    /** What a call touches, from its path: {@code jobs/{id}}, {@code secrets/{name}} and the like. */
    private static String target(Exchange e) {
        // from the path itself, not from headers: a call without an {id} in its path must not
        // name a target of its choosing through a header or query parameter called id
        String uri = e.getMessage().getHeader(Exchange.HTTP_URI, "", String.class);
        int query = uri.indexOf('?');
        String[] segments = (query < 0 ? uri : uri.substring(0, query)).split("/");
        // "", "api", "v1", collection, target, ...
        if (segments.length < 5 || segments[4].isEmpty()) {
            return null;
        }
        String segment = java.net.URLDecoder.decode(segments[4].replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        // the segment is the target when the route has a path parameter there ({id}, {name}),
        // which Camel then sets as that header; /jobs/export and the like have none
        Object id = e.getMessage().getHeader("id");
        Object name = e.getMessage().getHeader("name");
        return segment.equals(id) || segment.equals(name) ? segment : null;
    }

    /** Answers 401 and ends the exchange unless it carries a valid bearer token. */
    private void authenticate(Exchange exchange) throws Exception {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        exchange.getMessage().removeHeader("Authorization");
        Principal who = tokens.principal(token);
        exchange.setProperty(Tokens.PRINCIPAL, who);
        if (who != null) {
            audit.recordWhenDone(exchange, who);
        } else {
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
