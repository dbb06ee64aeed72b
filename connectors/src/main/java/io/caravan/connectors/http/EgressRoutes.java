package io.caravan.connectors.http;

import io.caravan.connectors.egress.EgressPolicy;
import io.caravan.connectors.egress.EgressRefusedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.routing.HttpRoutePlanner;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Routes that only lead where the {@link EgressPolicy} allows. HttpClient plans a route for the
 * request and again for every redirect; here the target's name is resolved, every address checked,
 * and the route fixed to the first allowed one, so the connection goes to the address that was
 * checked and is not resolved again (a name cannot answer differently between the check and the
 * connect). TLS still verifies and sends the name. The connection manager's own resolver would be
 * the other place, but camel-http builds that manager (with its TLS setup) before a configurer runs.
 */
final class EgressRoutes implements HttpRoutePlanner {

    private final HttpRoutePlanner direct = new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE);
    private final EgressPolicy policy;

    EgressRoutes(EgressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public HttpRoute determineRoute(HttpHost target, HttpContext context) throws HttpException {
        return determineRoute(target, null, context);
    }

    @Override
    public HttpRoute determineRoute(HttpHost target, HttpRequest request, HttpContext context) throws HttpException {
        HttpRoute route = direct.determineRoute(target, request, context);
        HttpHost host = route.getTargetHost();
        List<InetAddress> allowed;
        try {
            allowed = host.getAddress() != null ? policy.allowed(host.getHostName(), host.getAddress())
                    : policy.resolve(host.getHostName());
        } catch (EgressRefusedException | UnknownHostException e) {
            // the only checked exception a planner may throw; HttpStep finds the cause in the chain
            throw new HttpException(e.getMessage(), e);
        }
        HttpHost pinned = new HttpHost(host.getSchemeName(), allowed.get(0), host.getHostName(), host.getPort());
        return new HttpRoute(pinned, route.getTargetName(), route.getLocalAddress(), route.isSecure());
    }
}
