package io.caravan.runtime.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.runtime.config.CaravanConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server's first handlers, ahead of every route (the API, the webhooks, health, paths
 * nothing serves, and the console): request headers and query parameters named
 * {@code Camel*} in any case are removed before anything reads them; a body whose Content-Length
 * is over its limit (a webhook's, else the API's) is answered 413 problem+json before any of it
 * is read, and its connection closed; one sent without a length is read no further than the
 * API's limit ({@code camel.server.maxBodySize}); every answer carries the security headers; and browsers of the configured origins may
 * call the API (CORS, off unless {@code CARAVAN_CORS_ORIGINS} lists them).
 */
public final class HttpHardening implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpHardening.class);
    /** Ahead of the routes Camel adds (Vert.x orders routes by this number, then by when they were added). */
    private static final int FIRST = -100;
    private static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
    /**
     * For the console's pages: its own scripts and calls only. The editor (Monaco) needs the rest:
     * styles it sets on elements, its language workers started from blob: URLs, its icon font
     * inlined as data:; object URLs show and download the files the API returns.
     */
    static final String PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " worker-src 'self' blob:; font-src 'self' data:; img-src 'self' data: blob:; connect-src 'self';"
            + " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    private static final String HSTS = "max-age=31536000";

    private final CaravanConfig.Http limits;
    private final boolean https;
    private final ObjectMapper json;
    private final CorsHandler cors;

    /** The hardening of camel-main's HTTP server; {@code https} adds Strict-Transport-Security. */
    public HttpHardening(CaravanConfig.Http limits, boolean https, ObjectMapper json) {
        this.limits = limits;
        this.https = https;
        this.json = json;
        this.cors = limits.corsOrigins().isEmpty() ? null : CorsHandler.create().addOrigins(limits.corsOrigins())
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE))
                .allowedHeaders(Set.of("Authorization", "Content-Type", "Accept"))
                .exposedHeaders(Set.of("Location", "Retry-After", "Content-Disposition", "WWW-Authenticate"))
                // a bearer token in Authorization is no credential in the CORS sense: cookies are never taken
                .allowCredentials(false)
                .maxAgeSeconds(600);
    }

    /**
     * Binds {@link InboundHeaderFilter} to the platform-http component and adds this to the
     * context's start, which installs the handlers once the server exists and before any route
     * starts taking requests.
     */
    public void register(CamelContext camel) throws Exception {
        camel.getComponent("platform-http", PlatformHttpComponent.class).setHeaderFilterStrategy(new InboundHeaderFilter());
        camel.addStartupListener(this);
    }

    /**
     * Camel starts its HTTP server after the startup listeners and before the routes; it is
     * started here instead (a later start does nothing), so that the handlers are in place before
     * the port takes its first request.
     */
    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) throws Exception {
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            throw new IllegalStateException("camel.server is not enabled: there is no HTTP server to harden");
        }
        ServiceHelper.startService(server);
        install(server.getRouter());
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // installed while starting
    }

    private void install(Router router) {
        router.route().order(FIRST).handler(this::screen).failureHandler(this::refuse);
    }

    /** Every request: Camel* names removed, security headers promised, CORS for an allowed other origin. */
    private void screen(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        strip(request.headers());
        strip(request.params());
        strip(ctx.queryParams());
        ctx.addHeadersEndHandler(v -> secure(ctx));
        if (declaredLength(request) > limit(ctx)) {
            ctx.fail(413); // before a byte of the body is read
            return;
        }
        String origin = request.getHeader("Origin");
        if (cors != null && origin != null && !sameOrigin(request, origin)
                && limits.corsOrigins().contains(origin.toLowerCase(Locale.ROOT))) {
            cors.handle(ctx); // a preflight is answered here; other calls continue with the CORS headers
        } else {
            ctx.next();
        }
    }

    /**
     * The most a body may have here: a webhook's limit under {@code /hooks/}, else the API's,
     * which is also the server's: Camel's body handler stops reading a body sent without a
     * Content-Length there, and WebhookIntake refuses a longer webhook body once read.
     */
    private long limit(RoutingContext ctx) {
        return ctx.normalizedPath().startsWith("/hooks/") ? limits.webhookMaxBody() : limits.apiMaxBody();
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1; // the HTTP codec refuses a malformed length before this is reached
        }
    }

    private static void strip(MultiMap values) {
        List<String> camel = values.names().stream().filter(InboundHeaderFilter::isCamelName).toList();
        camel.forEach(values::remove);
    }

    /** The console's own calls carry its Origin too: same scheme, host and port are not cross-origin. */
    private static boolean sameOrigin(HttpServerRequest request, String origin) {
        String host = request.getHeader("Host");
        return host != null && origin.equalsIgnoreCase(request.scheme() + "://" + host);
    }

    private void secure(RoutingContext ctx) {
        MultiMap headers = ctx.response().headers();
        String path = ctx.normalizedPath();
        boolean api = path.startsWith("/api/") || path.equals("/api") || path.startsWith("/hooks/") || path.equals("/health");
        setIfAbsent(headers, "X-Content-Type-Options", "nosniff");
        setIfAbsent(headers, "X-Frame-Options", "DENY");
        setIfAbsent(headers, "Referrer-Policy", "no-referrer");
        setIfAbsent(headers, "Content-Security-Policy", api ? API_CSP : PAGE_CSP);
        if (api) {
            headers.set("Cache-Control", "no-store");
        }
        if (https) {
            setIfAbsent(headers, "Strict-Transport-Security", HSTS);
        }
    }

    private static void setIfAbsent(MultiMap headers, String name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }

    /**
     * What failed before or outside a route — a body over its limit (413, the connection then
     * closed so the client stops sending), a refused origin, a handler's error — as problem+json.
     */
    private void refuse(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.request().connection().close(); // half an answer is gone already: end it
            return;
        }
        int status = ctx.statusCode() >= 400 && ctx.statusCode() < 600 ? ctx.statusCode() : 500;
        boolean hook = ctx.normalizedPath().startsWith("/hooks/");
        String detail = switch (status) {
            case 413 -> "the body is larger than the " + limit(ctx) + " bytes " + (hook ? "a webhook takes" : "the API takes");
            case 403 -> "requests from origin " + ctx.request().getHeader("Origin") + " are not allowed";
            case 500 -> "the request could not be completed; see the server log";
            default -> HttpResponseStatus.valueOf(status).reasonPhrase();
        };
        if (status == 500) {
            LOG.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), ctx.failure());
        }
        ObjectNode body = json.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", status == 413 ? "Content Too Large" : HttpResponseStatus.valueOf(status).reasonPhrase());
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", ctx.normalizedPath());
        body.putArray("errors");
        var response = ctx.response().setStatusCode(status).putHeader("Content-Type", ApiRoutes.PROBLEM_JSON);
        if (status == 413 && ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            // the rest of the body is not wanted: the connection ends (an HTTP/2 stream just ends, its siblings go on)
            response.putHeader("Connection", "close");
            response.end(body.toString()).onComplete(done -> ctx.request().connection().close());
        } else {
            response.end(body.toString());
        }
    }
}
