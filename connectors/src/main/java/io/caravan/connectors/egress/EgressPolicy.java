package io.caravan.connectors.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses steps may connect to: an address in a {@code deny} block is refused unless it is
 * also in an {@code allow} block. It is checked on resolved addresses, so a name that resolves to a
 * denied address is refused as the address itself is; an IPv6 address that carries an IPv4 one
 * (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64
 * {@code 64:ff9b::a.b.c.d}) is checked as both. A node binds its policy in the Camel registry as
 * {@link #BEAN}; without one, {@link #DEFAULT} applies.
 */
public final class EgressPolicy {

    /** The registry name of the node's policy. */
    public static final String BEAN = "caravan-egress";
    /** Denies link-local addresses (cloud metadata among them); loopback and private networks are allowed. */
    public static final EgressPolicy DEFAULT = new EgressPolicy(AddressBlock.LINK_LOCAL, List.of());

    private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private final List<AddressBlock> deny;
    private final List<AddressBlock> allow;

    /** A policy refusing addresses in {@code deny} that are not in {@code allow}. */
    public EgressPolicy(List<AddressBlock> deny, List<AddressBlock> allow) {
        this.deny = List.copyOf(deny);
        this.allow = List.copyOf(allow);
    }

    /**
     * The addresses of {@code host} that may be connected to, in the resolver's order.
     *
     * @param host a name or an address literal
     * @throws UnknownHostException when the name does not resolve
     * @throws EgressRefusedException when every address it resolves to is denied
     */
    public List<InetAddress> resolve(String host) throws UnknownHostException, EgressRefusedException {
        return allowed(host, InetAddress.getAllByName(host));
    }

    /**
     * Of {@code addresses} (what {@code host} resolved to), those that may be connected to.
     *
     * @throws EgressRefusedException when none may, naming the first and the block that denies it
     */
    public List<InetAddress> allowed(String host, InetAddress... addresses) throws EgressRefusedException {
        List<InetAddress> allowed = new ArrayList<>();
        InetAddress refused = null;
        AddressBlock rule = null;
        for (InetAddress address : addresses) {
            AddressBlock denied = denying(address);
            if (denied == null) {
                allowed.add(address);
            } else if (refused == null) {
                refused = address;
                rule = denied;
            }
        }
        if (allowed.isEmpty()) {
            throw new EgressRefusedException(host, refused, rule);
        }
        return allowed;
    }

    /** The deny block {@code address} is in, or null when it is in none or an allow block holds it. */
    private AddressBlock denying(InetAddress address) {
        List<byte[]> forms = forms(address);
        AddressBlock denied = first(deny, forms);
        return denied == null || first(allow, forms) != null ? null : denied;
    }

    private static AddressBlock first(List<AddressBlock> blocks, List<byte[]> forms) {
        for (AddressBlock block : blocks) {
            for (byte[] form : forms) {
                if (block.contains(form)) {
                    return block;
                }
            }
        }
        return null;
    }

    /** The address's bytes, and the IPv4 address an IPv6 one carries, which is where it may lead. */
    private static List<byte[]> forms(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && carriesIpv4(bytes)) {
            return List.of(bytes, Arrays.copyOfRange(bytes, 12, 16));
        }
        return List.of(bytes);
    }

    private static boolean carriesIpv4(byte[] v6) {
        if (Arrays.equals(v6, 0, 12, NAT64, 0, 12)) {
            return true;
        }
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        boolean mapped = v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
        boolean compatible = v6[10] == 0 && v6[11] == 0;
        return mapped || compatible;
    }

    @Override
    public String toString() {
        return "EgressPolicy[deny=" + deny + ", allow=" + allow + "]";
    }
}
