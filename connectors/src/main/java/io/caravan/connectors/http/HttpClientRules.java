package io.caravan.connectors.http;

import io.caravan.connectors.egress.EgressPolicy;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * How the http step's client behaves (set on each camel-http endpoint as its
 * {@code httpClientConfigurer}): no retries of its own; GET and HEAD follow redirects, without the
 * {@code Authorization} and {@code Cookie} headers when the redirect leaves the origin; other
 * methods get the 3xx back. A response body is read up to a limit; past it the read fails with
 * {@link ResponseTooLargeException} and the connection is dropped, so the rest is never read.
 * Every request and redirect goes only where the node's {@link EgressPolicy} allows
 * ({@link EgressRoutes}).
 */
public final class HttpClientRules implements HttpClientConfigurer {

    private final long maxResponseBytes;
    private final EgressPolicy egress;

    /** Rules with a body limit and the default egress policy; public because Camel creates it from the endpoint URI. */
    public HttpClientRules(long maxResponseBytes) {
        this(maxResponseBytes, EgressPolicy.DEFAULT);
    }

    /** Rules with a body limit and an egress policy (from the registry, named in the endpoint URI). */
    public HttpClientRules(long maxResponseBytes, EgressPolicy egress) {
        this.maxResponseBytes = maxResponseBytes;
        this.egress = egress;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // HttpClient would silently repeat a request on 429/503 and I/O errors; retries belong to
        // the step's retry policy, where every attempt is recorded
        builder.disableAutomaticRetries();
        builder.setRedirectStrategy(new Redirects());
        builder.setRoutePlanner(new EgressRoutes(egress));
        // outermost in the chain: sees the final response, after redirects and decompression
        // (so a small gzip body cannot unpack past the limit), and holds the connection to drop
        builder.addExecInterceptorFirst("caravan-response-limit", (request, scope, chain) -> {
            ClassicHttpResponse response = chain.proceed(request, scope);
            HttpEntity entity = response.getEntity();
            if (entity != null) {
                if (entity.getContentLength() > maxResponseBytes) {
                    scope.execRuntime.discardEndpoint();
                    throw new ResponseTooLargeException(maxResponseBytes);
                }
                response.setEntity(new Limited(entity, maxResponseBytes, scope.execRuntime));
            }
            return response;
        });
    }

    /** A response body longer than the step's {@code maxResponseBytes}. */
    public static final class ResponseTooLargeException extends IOException {
        private final long limit;

        ResponseTooLargeException(long limit) {
            super("the response body is longer than " + limit + " bytes");
            this.limit = limit;
        }

        /** The limit that was passed. */
        public long limit() {
            return limit;
        }
    }

    /** Follows redirects of GET and HEAD only; credentials stay with their origin. */
    private static final class Redirects extends DefaultRedirectStrategy {
        @Override
        public boolean isRedirected(HttpRequest request, HttpResponse response, HttpContext context)
                throws ProtocolException {
            // a POST or PUT is not repeated elsewhere, nor turned into a GET, behind the job's back
            boolean safe = Method.GET.isSame(request.getMethod()) || Method.HEAD.isSame(request.getMethod());
            return safe && super.isRedirected(request, response, context);
        }

        @Override
        public boolean isRedirectAllowed(HttpHost current, HttpHost target, HttpRequest redirect, HttpContext context) {
            // HttpClient's own rule refuses such a redirect and hands back the 3xx (a failed step);
            // dropping the credentials from the redirect request follows it as browsers and curl do
            if (!sameOrigin(current, target)) {
                redirect.removeHeaders(HttpHeaders.AUTHORIZATION);
                redirect.removeHeaders("Cookie");
            }
            return super.isRedirectAllowed(current, target, redirect, context);
        }

        private static boolean sameOrigin(HttpHost a, HttpHost b) {
            return a.getSchemeName().equalsIgnoreCase(b.getSchemeName())
                    && a.getHostName().toLowerCase(Locale.ROOT).equals(b.getHostName().toLowerCase(Locale.ROOT))
                    && DefaultSchemePortResolver.INSTANCE.resolve(a) == DefaultSchemePortResolver.INSTANCE.resolve(b);
        }
    }

    /** A response body that fails once more than the limit is read. */
    private static final class Limited extends HttpEntityWrapper {
        private final long limit;
        private final ExecRuntime connection;
        private InputStream content;

        Limited(HttpEntity entity, long limit, ExecRuntime connection) {
            super(entity);
            this.limit = limit;
            this.connection = connection;
        }

        @Override
        public InputStream getContent() throws IOException {
            if (content == null) { // one stream, as the wrapped entity has: closing it is closing the body
                content = new Counting(super.getContent());
            }
            return content;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            getContent().transferTo(out); // through the limit, not around it
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        private final class Counting extends FilterInputStream {
            private long read;
            private boolean exceeded;

            Counting(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                count(Math.max(n, 0));
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                count(skipped);
                return skipped;
            }

            private void count(long n) throws IOException {
                read += n;
                if (read > limit) {
                    exceeded = true;
                    // shut the connection rather than let a close drain the rest of the body
                    connection.discardEndpoint();
                    throw new ResponseTooLargeException(limit);
                }
            }

            @Override
            public void close() throws IOException {
                if (!exceeded) { // after the limit the connection is gone: nothing to close or drain
                    super.close();
                }
            }
        }
    }
}
