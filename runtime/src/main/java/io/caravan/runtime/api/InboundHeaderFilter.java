package io.caravan.runtime.api;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * Which parts of a request become headers of the exchange, for every platform-http endpoint.
 * Camel's HTTP strategy already drops names starting with {@code camel} in any case (the
 * CVE-2025-27636 fix); this keeps that however a later Camel configures it, and also drops a
 * request header, query parameter or form field named like one of the endpoint's path
 * parameters: Camel adds those after the request's values, so {@code ?id=other} would turn the
 * {@code id} of {@code /jobs/{id}} into a list and let the query decide which job is meant.
 */
public final class InboundHeaderFilter extends HttpHeaderFilterStrategy {

    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^/}]+)}");

    /** The lower-case path parameter names of each endpoint path seen, e.g. {@code /api/v1/jobs/{id}} to {@code [id]}. */
    private final Map<String, Set<String>> parameters = new ConcurrentHashMap<>();

    @Override
    public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
        if (name == null || isCamelName(name) || super.applyFilterToExternalHeaders(name, value, exchange)) {
            return true;
        }
        return exchange != null && exchange.getFromEndpoint() instanceof PlatformHttpEndpoint endpoint
                && pathParameters(endpoint.getPath()).contains(name.toLowerCase(Locale.ROOT));
    }

    /** Whether a name is one Camel's components read as an instruction: {@code Camel*} or {@code org.apache.camel.*}, any case. */
    public static boolean isCamelName(String name) {
        return name.regionMatches(true, 0, "camel", 0, 5) || name.regionMatches(true, 0, "org.apache.camel.", 0, 17);
    }

    private Set<String> pathParameters(String path) {
        if (path == null || path.indexOf('{') < 0) {
            return Set.of();
        }
        return parameters.computeIfAbsent(path, p -> {
            Set<String> names = new java.util.HashSet<>();
            Matcher m = PATH_PARAMETER.matcher(p);
            while (m.find()) {
                names.add(m.group(1).toLowerCase(Locale.ROOT));
            }
            return Set.copyOf(names);
        });
    }
}
