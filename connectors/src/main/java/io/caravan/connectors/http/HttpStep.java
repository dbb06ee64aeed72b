package io.caravan.connectors.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.egress.EgressPolicy;
import io.caravan.connectors.egress.EgressRefusedException;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import io.caravan.connectors.tls.TrustedCertificates;
import java.util.HexFormat;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code http}: one request through camel-http. The endpoint is per scheme, host, timeouts and
 * body limit (so Camel caches its producer and connection pool); the full URL goes in
 * {@code CamelHttpUri}. GET and HEAD follow redirects, never taking {@code Authorization} to
 * another origin ({@link HttpClientRules}). Output {@code {status, headers, body}}, a JSON body
 * parsed; a body over {@code maxResponseBytes} fails with {@code http.too_large}, an address the
 * node's {@link EgressPolicy} denies (also behind a redirect) with {@code http.egress}. 429, 5xx
 * and connection errors are retryable; other unexpected statuses are not.
 */
public final class HttpStep implements StepKind<HttpConfig> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    private static final long MAX_RESPONSE_BYTES = 10L * 1024 * 1024;

    @Override
    public String type() {
        return "http";
    }

    @Override
    public Class<HttpConfig> configType() {
        return HttpConfig.class;
    }

    @Override
    public String description() {
        return "Sends an HTTP request (GET and HEAD follow redirects); output {status, headers, body} with a JSON"
                + " body parsed.";
    }

    @Override
    public void check(HttpConfig config, Problems problems) {
        if (config.auth() != null && config.auth().basic() != null && config.auth().bearer() != null) {
            problems.add(".auth", "give either basic or bearer, not both");
        }
        if (config.fileField() != null && config.file() == null) {
            problems.add(".fileField", "names the part of file, but no file is given");
        }
        if (config.file() != null && config.body() != null && !(config.body() instanceof Map<?, ?>
                && config.fileField() != null)) {
            problems.add(".body", "with file, body may only be an object of form fields, and only with fileField");
        }
        if (config.headers() != null) {
            // a Camel* header instructs Camel's HTTP client (CamelHttpUri replaces the url), it is not sent
            config.headers().keySet().stream().filter(name -> name.regionMatches(true, 0, "camel", 0, 5)).forEach(name ->
                    problems.add(".headers", "'" + name + "' is not allowed: headers named Camel* steer Caravan's HTTP"
                            + " client instead of reaching the server"));
        }
        if (config.maxResponseBytes() != null && config.maxResponseBytes() < 1) {
            problems.add(".maxResponseBytes", "must be at least 1, got " + config.maxResponseBytes());
        }
        if (config.ca() != null && !config.ca().contains("{{")) {
            try {
                TrustedCertificates.trustStore(config.ca(), "ca");
            } catch (IllegalArgumentException e) {
                problems.add(".ca", e.getMessage());
            }
        }
    }

    @Override
    public Object run(HttpConfig config, StepCall call) throws Exception {
        URI url = url(config);
        String method = config.method() == null ? "GET" : config.method().name();
        if (config.saveAs() != null || config.file() != null) {
            return HttpFiles.transfer(config, call, url, method);
        }
        Exchange response = call.producer().send(endpoint(url, config, call),
                exchange -> request(exchange.getMessage(), url, method, config));
        if (response.getException() != null) {
            throw failure(response.getException(), method, url, config);
        }
        Message message = response.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("status", status);
        output.put("headers", headers(message, config));
        output.put("body", body(message));
        if (!expected(config, status)) {
            throw new StepException("http.status", "HTTP " + status + " from " + method + " " + redact(url)
                    + excerpt(output.get("body")), status == 429 || status >= 500, null,
                    RetryAfter.parse(message.getHeader("Retry-After", String.class)));
        }
        return output;
    }

    static URI url(HttpConfig config) throws StepException {
        StringBuilder text = new StringBuilder(config.url());
        if (config.query() != null && !config.query().isEmpty()) {
            text.append(config.url().contains("?") ? '&' : '?');
            config.query().forEach((k, v) -> {
                if (v != null) {
                    text.append(encode(k)).append('=').append(encode(v.toString())).append('&');
                }
            });
            text.setLength(text.length() - 1);
        }
        try {
            URI uri = URI.create(text.toString());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new StepException("http.url", "'" + config.url() + "' is not an absolute http(s) URL", false);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new StepException("http.url", "'" + config.url() + "' is not a valid URL: " + e.getMessage(), false);
        }
    }

    static String endpoint(URI url, HttpConfig config, StepCall call) throws StepException {
        return endpoint(url, config, call, maxBytes(config), false);
    }

    /**
     * {@code raw}: the response body stays the connection's stream (read by the caller, any size).
     * A step's {@code ca} is bound in the registry under its hash, so steps trusting the same CAs
     * share an endpoint and its connection pool.
     */
    static String endpoint(URI url, HttpConfig config, StepCall call, long maxBytes, boolean raw)
            throws StepException {
        Duration stepTimeout = call.timeout();
        long cap = stepTimeout == null ? Long.MAX_VALUE : Math.max(1, stepTimeout.toMillis());
        long connect = Math.min(cap, millis(config.connectTimeout(), CONNECT_TIMEOUT, "connectTimeout"));
        long response = Math.min(cap, millis(config.responseTimeout(), RESPONSE_TIMEOUT, "responseTimeout"));
        String authority = url.getRawAuthority().replaceFirst("^.*@", "");
        // followRedirects=true keeps camel-http from disabling redirects; HttpClientRules decides which to follow
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + authority
                + "?throwExceptionOnFailure=false&followRedirects=true"
                + "&connectTimeout=" + connect + "&connectionRequestTimeout=" + connect
                + "&responseTimeout=" + response + "&soTimeout=" + response
                + "&httpClientConfigurer=#class:" + HttpClientRules.class.getName() + "(" + maxBytes + egress(call) + ")"
                + (raw ? "&disableStreamCache=true" : "")
                + (config.ca() == null ? "" : "&sslContextParameters=#" + trustBean(config.ca(), call.camel()));
    }

    /** The registry name of Camel SSL parameters that trust {@code ca} only, bound on first use. */
    private static String trustBean(String ca, CamelContext camel) throws StepException {
        String name = "caravan-http-ca-" + HexFormat.of().formatHex(sha256(ca), 0, 16);
        if (camel.getRegistry().lookupByName(name) == null) {
            try {
                camel.getRegistry().bind(name, TrustedCertificates.parameters(ca, "ca"));
            } catch (IllegalArgumentException e) {
                throw new StepException("http.tls", e.getMessage(), false);
            }
        }
        return name;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** The node's egress policy as a constructor argument of the rules; none bound: their default. */
    private static String egress(StepCall call) {
        boolean bound = call.camel().getRegistry().lookupByNameAndType(EgressPolicy.BEAN, EgressPolicy.class) != null;
        return bound ? ",'#bean:" + EgressPolicy.BEAN + "'" : "";
    }

    static void request(Message in, URI url, String method, HttpConfig config) throws Exception {
        in.setHeader(Exchange.HTTP_URI, url.toString());
        in.setHeader(Exchange.HTTP_METHOD, method);
        if (config.headers() != null) {
            config.headers().forEach(in::setHeader);
        }
        if (config.auth() != null) {
            if (config.auth().bearer() != null) {
                in.setHeader("Authorization", "Bearer " + config.auth().bearer());
            } else if (config.auth().basic() != null) {
                String pair = config.auth().basic().username() + ":" + config.auth().basic().password();
                in.setHeader("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Object body = config.body();
        if (body == null) {
            in.setBody(null);
        } else if (body instanceof String text) {
            in.setBody(text);
            in.setHeader(Exchange.CONTENT_TYPE, config.contentType() == null ? "text/plain; charset=utf-8" : config.contentType());
        } else {
            in.setBody(JSON.writeValueAsString(body));
            in.setHeader(Exchange.CONTENT_TYPE, config.contentType() == null ? "application/json" : config.contentType());
        }
    }

    /** The response's headers: Camel's own and the request's (credentials among them) left out. */
    static Map<String, Object> headers(Message message, HttpConfig config) {
        java.util.Set<String> sent = new java.util.HashSet<>(java.util.Set.of("authorization"));
        if (config.headers() != null) {
            config.headers().keySet().forEach(h -> sent.add(h.toLowerCase(Locale.ROOT)));
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (!name.regionMatches(true, 0, "camel", 0, 5) && !sent.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name.toLowerCase(Locale.ROOT), value == null ? null : value.toString());
            }
        });
        return headers;
    }

    static Object body(Message message) {
        String text = message.getBody(String.class);
        if (text == null || text.isEmpty()) {
            return null;
        }
        String type = message.getHeader(Exchange.CONTENT_TYPE, "", String.class).toLowerCase(Locale.ROOT);
        if (type.contains("json")) {
            try {
                return JSON.readValue(text, Object.class);
            } catch (java.io.IOException notJson) {
                return text; // a server that says JSON and sends something else: keep what it sent
            }
        }
        return text;
    }

    static boolean expected(HttpConfig config, int status) {
        if (config.expectedStatus() == null || config.expectedStatus().isEmpty()) {
            return status >= 200 && status < 300;
        }
        return config.expectedStatus().contains(status);
    }

    static long maxBytes(HttpConfig config) {
        return config.maxResponseBytes() == null ? MAX_RESPONSE_BYTES : config.maxResponseBytes();
    }

    static StepException failure(Exception e, String method, URI url, HttpConfig config) {
        String target = method + " " + redact(url);
        if (find(e, HttpClientRules.ResponseTooLargeException.class) != null) {
            return new StepException("http.too_large", target + " returned a body of more than "
                    + maxBytes(config) + " bytes; raise maxResponseBytes to accept it", false, e);
        }
        EgressRefusedException refused = find(e, EgressRefusedException.class);
        if (refused != null) { // the same policy refuses every attempt
            return new StepException("http.egress", target + " refused: " + refused.getMessage(), false, e);
        }
        Throwable cause = find(e, UnknownHostException.class); // under HttpClient's wrapping when routing resolved it
        if (cause == null) {
            cause = e;
            while (cause.getCause() != null && !(cause instanceof java.io.IOException)) {
                cause = cause.getCause();
            }
        }
        if (cause instanceof javax.net.ssl.SSLHandshakeException || cause instanceof javax.net.ssl.SSLPeerUnverifiedException) {
            // an untrusted or mismatched certificate stays so on the next attempt: not retryable
            return new StepException("http.tls", target + ": the TLS connection was refused: " + cause.getMessage()
                    + "; give the server's CA in ca if it is a private one", false, e);
        }
        if (cause instanceof SocketTimeoutException || cause instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException) {
            return new StepException("http.timeout", target + " timed out: " + cause.getMessage(), true, e);
        }
        if (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof NoRouteToHostException || cause instanceof java.io.IOException) {
            return new StepException("http.connection", target + " failed: " + cause, true, e);
        }
        return new StepException("http.error", target + " failed: " + e.getMessage(), false, e);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static long millis(String duration, Duration fallback, String field) throws StepException {
        if (duration == null) {
            return fallback.toMillis();
        }
        try {
            return Duration.parse(duration).toMillis();
        } catch (java.time.format.DateTimeParseException e) {
            throw new StepException("config", field + " '" + duration + "' is not an ISO-8601 duration", false);
        }
    }

    /** The URL without user info and query, which may hold credentials. */
    static String redact(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getRawPath();
    }

    static String excerpt(Object body) {
        if (body == null) {
            return "";
        }
        String text = body instanceof String s ? s : body.toString();
        return ": " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
