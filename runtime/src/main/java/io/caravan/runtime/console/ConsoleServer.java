package io.caravan.runtime.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The web console on the API's port: its own files (classpath {@code console/}) at {@code /}, and
 * the libraries it loads from WebJars at {@code /webjars/<name>/<version>/...}.
 * <p>
 * The pages hold no data, so they load without a token; everything they show comes from the API,
 * which asks for one. The console's own files are revalidated on every load ({@code no-cache}:
 * an upgrade shows at once), a WebJar's path names its version, so it is cached for good. Only
 * the console's known file names are routed here: {@code /api}, {@code /hooks}, {@code /health}
 * and {@code /metrics} never reach these handlers. The Content-Security-Policy of these answers is
 * {@link io.caravan.runtime.api.HttpHardening}'s page policy.
 */
public final class ConsoleServer {

    /** The console's files: the page, its top-level modules and styles, and its folders of modules. */
    static final String CONSOLE_PATHS = "/|/index\\.html|/[A-Za-z0-9_-]+\\.(?:js|css|svg|png|ico)"
            + "|/(?:pages|editor)/[A-Za-z0-9_./-]+\\.(?:js|css|json)";
    private static final long YEAR_SECONDS = 365L * 24 * 3600;

    private ConsoleServer() {
    }

    /** Adds the console's routes to the router of the HTTP server on {@code port}. */
    public static void register(CamelContext camel, int port) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(camel, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(camel);
        }
        if (router == null) {
            throw new IllegalStateException("the HTTP server's router is not in the registry; the console cannot be served");
        }
        StaticHandler files = StaticHandler.create("console").setIndexPage("index.html").setDefaultContentEncoding("UTF-8")
                .setDirectoryListing(false).setIncludeHidden(false);
        reads(router.routeWithRegex(CONSOLE_PATHS)).handler(ctx -> cache(ctx, "no-cache")).handler(files);

        StaticHandler webjars = StaticHandler.create("META-INF/resources/webjars").setDefaultContentEncoding("UTF-8")
                .setDirectoryListing(false).setIncludeHidden(false).setMaxAgeSeconds(YEAR_SECONDS);
        reads(router.route("/webjars/*")).handler(ctx -> cache(ctx, "public, max-age=" + YEAR_SECONDS + ", immutable"))
                .handler(webjars);
    }

    private static Route reads(Route route) {
        return route.method(HttpMethod.GET).method(HttpMethod.HEAD);
    }

    /**
     * Sets Cache-Control as the answer's head is written: the static handler sets its own, which
     * this replaces; a file that is not there goes on to the next route (and its 404) untouched.
     */
    private static void cache(RoutingContext ctx, String policy) {
        ctx.addHeadersEndHandler(v -> {
            int status = ctx.response().getStatusCode();
            if (status == 200 || status == 206 || status == 304) {
                ctx.response().headers().set("Cache-Control", policy);
            }
        });
        ctx.next();
    }
}
