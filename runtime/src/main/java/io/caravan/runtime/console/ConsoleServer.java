package io.caravan.runtime.console;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The web console on the API's port: its own files (classpath {@code console/}) at {@code /}, and
 * the libraries it loads from WebJars at {@code /webjars/<name>/<version>/...}.
 * <p>
 * The pages hold no data, so they load without a token; everything they show comes from the API,
 * which asks for one. The console's own files are revalidated on every load ({@code no-cache}
 * with an ETag: an upgrade shows at once), a WebJar's path names its version, so it is cached for
 * good. Only the console's known file names are routed here: {@code /api}, {@code /hooks},
 * {@code /health} and {@code /metrics} never reach these handlers. The Content-Security-Policy
 * of these answers is {@link io.caravan.runtime.api.HttpHardening}'s page policy.
 */
public final class ConsoleServer {

    /** The console's files: the page, its top-level modules and styles, and its folders of modules. */
    static final String CONSOLE_PATHS = "/|/index\\.html|/[A-Za-z0-9_-]+\\.(?:js|css|svg|png|ico)"
            + "|/(?:pages|editor)/[A-Za-z0-9_./-]+\\.(?:js|css|json)";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

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
        Vertx vertx = router.vertx();
        ClassLoader loader = ConsoleServer.class.getClassLoader();
        ClasspathFiles console = new ClasspathFiles(vertx, loader, "console", "no-cache", true);
        reads(router.routeWithRegex(CONSOLE_PATHS)).handler(ctx -> console.serve(ctx,
                ctx.normalizedPath().equals("/") ? "/index.html" : ctx.normalizedPath()));
        ClasspathFiles webjars = new ClasspathFiles(vertx, loader, "META-INF/resources/webjars", IMMUTABLE, false);
        reads(router.route("/webjars/*")).handler(ctx -> webjars.serve(ctx, ctx.normalizedPath().substring("/webjars".length())));
    }

    private static Route reads(Route route) {
        return route.method(HttpMethod.GET).method(HttpMethod.HEAD);
    }

    /**
     * Files read from the class path, off the event loop. Not Vert.x's StaticHandler: it finds a
     * file in a jar by walking every entry of the jar and copying the file out to a cache
     * directory, seconds per file for Monaco's 20 MB jar; the class loader finds it at once.
     */
    static final class ClasspathFiles {
        private final Vertx vertx;
        private final ClassLoader loader;
        private final String root;
        private final String cacheControl;
        private final boolean revalidate;

        ClasspathFiles(Vertx vertx, ClassLoader loader, String root, String cacheControl, boolean revalidate) {
            this.vertx = vertx;
            this.loader = loader;
            this.root = root;
            this.cacheControl = cacheControl;
            this.revalidate = revalidate;
        }

        /** Answers the file at {@code path} under the root, or passes the request on (to a 404) when there is none. */
        void serve(RoutingContext ctx, String path) {
            if (!safe(path)) {
                ctx.next();
                return;
            }
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.indexOf('.') < 0) { // a folder: no listings
                ctx.next();
                return;
            }
            vertx.executeBlocking(() -> read(root + path)).onComplete(read -> {
                if (read.failed() || read.result() == null) {
                    ctx.next();
                    return;
                }
                byte[] bytes = read.result();
                var response = ctx.response();
                response.putHeader("Content-Type", ContentTypes.of(name));
                response.putHeader("Cache-Control", cacheControl);
                if (revalidate) {
                    String etag = etag(bytes);
                    response.putHeader("ETag", etag);
                    if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
                        response.setStatusCode(304).end();
                        return;
                    }
                }
                if (ctx.request().method() == HttpMethod.HEAD) {
                    response.putHeader("Content-Length", String.valueOf(bytes.length)).end();
                } else {
                    response.end(Buffer.buffer(bytes));
                }
            });
        }

        private byte[] read(String resource) throws java.io.IOException {
            java.net.URL url = loader.getResource(resource);
            if (url == null) {
                return null;
            }
            var connection = url.openConnection();
            connection.setUseCaches(false); // a jar opened here is closed with the stream, not kept for the process
            try (java.io.InputStream in = connection.getInputStream()) {
                return in.readAllBytes();
            } catch (java.io.FileNotFoundException e) { // a directory of an exploded class path
                return null;
            }
        }

        /** A path of names only: no {@code ..}, no {@code .} segments, no hidden files, no backslashes. */
        static boolean safe(String path) {
            if (path.isEmpty() || path.charAt(0) != '/' || path.contains("\\") || path.contains("//")) {
                return false;
            }
            for (String segment : path.substring(1).split("/")) {
                if (segment.isEmpty() || segment.startsWith(".")) {
                    return false;
                }
            }
            return true;
        }

        private static String etag(byte[] bytes) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(bytes);
            return "\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(bytes.length) + "\"";
        }
    }

    /** The content types of the files the console and its libraries have. */
    static final class ContentTypes {
        private static final java.util.Map<String, String> BY_EXTENSION = java.util.Map.ofEntries(
                java.util.Map.entry("html", "text/html; charset=utf-8"),
                java.util.Map.entry("js", "text/javascript; charset=utf-8"),
                java.util.Map.entry("mjs", "text/javascript; charset=utf-8"),
                java.util.Map.entry("css", "text/css; charset=utf-8"),
                java.util.Map.entry("json", "application/json"),
                java.util.Map.entry("map", "application/json"),
                java.util.Map.entry("svg", "image/svg+xml"),
                java.util.Map.entry("png", "image/png"),
                java.util.Map.entry("ico", "image/x-icon"),
                java.util.Map.entry("ttf", "font/ttf"),
                java.util.Map.entry("woff", "font/woff"),
                java.util.Map.entry("woff2", "font/woff2"),
                java.util.Map.entry("txt", "text/plain; charset=utf-8"),
                java.util.Map.entry("md", "text/plain; charset=utf-8"));

        private ContentTypes() {
        }

        static String of(String name) {
            String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
            return BY_EXTENSION.getOrDefault(extension, "application/octet-stream");
        }
    }
}
