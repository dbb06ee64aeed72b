package io.caravan.connectors.egress;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A connection the {@link EgressPolicy} does not allow. An I/O error, so that it passes through
 * client libraries as the failure to connect it is; a step reports it as not retryable, since
 * another attempt meets the same policy.
 */
public final class EgressRefusedException extends IOException {

    private final String host;
    private final transient InetAddress address;
    private final String rule;

    EgressRefusedException(String host, InetAddress address, AddressBlock rule) {
        super(describe(host, address) + " is in " + rule + ", which the egress policy denies");
        this.host = host;
        this.address = address;
        this.rule = rule.toString();
    }

    /** The host as the step gave it: a name or an address. */
    public String host() {
        return host;
    }

    /** The denied address it resolved to. */
    public InetAddress address() {
        return address;
    }

    /** The block that denies it, e.g. {@code link-local 169.254.0.0/16}. */
    public String rule() {
        return rule;
    }

    private static String describe(String host, InetAddress address) {
        String literal = address.getHostAddress();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equalsIgnoreCase(literal) ? literal : host + " (" + literal + ")";
    }
}
