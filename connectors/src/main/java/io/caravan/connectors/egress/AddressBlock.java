package io.caravan.connectors.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A block of IP addresses (a CIDR) and the name it is shown by in a refusal, such as
 * {@code link-local 169.254.0.0/16}. The keywords of an egress setting stand for several blocks:
 * {@code loopback}, {@code private} and {@code link-local}.
 */
public final class AddressBlock {

    // before the blocks below, which are parsed with them
    private static final String KEYWORDS = "loopback, private, link-local or none";
    // strict dotted quads only: anything else handed to InetAddress could be looked up as a name
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
            + "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /** This host: 127/8 and ::1, and 0.0.0.0/8 and :: (connecting to "this network" reaches this host). */
    public static final List<AddressBlock> LOOPBACK = named("loopback", "127.0.0.0/8", "::1/128", "0.0.0.0/8", "::/128");
    /** RFC 1918 networks and IPv6 unique local addresses. */
    public static final List<AddressBlock> PRIVATE = named("private", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "fc00::/7");
    /** Link-local networks, where clouds serve instance metadata and credentials; AWS's IPv6 metadata address. */
    public static final List<AddressBlock> LINK_LOCAL = named("link-local", "169.254.0.0/16", "fe80::/10",
            "fd00:ec2::254/128");

    private final String name;
    private final byte[] network;
    private final int prefix;

    private AddressBlock(String name, byte[] network, int prefix) {
        this.name = name;
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * The blocks of an egress setting: a comma list of CIDRs ({@code 10.1.0.0/16}, a single address
     * such as {@code 10.1.2.3} or {@code fd00::1}) and keywords; {@code none} (alone) for no block.
     *
     * @param key the setting's name, for the error
     * @throws IllegalArgumentException naming {@code key} and the entry that is neither
     */
    public static List<AddressBlock> parse(String key, String text) {
        List<AddressBlock> blocks = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (String entry : text.split(",")) {
            if (!entry.isBlank()) {
                entries.add(entry.strip());
            }
        }
        for (String entry : entries) {
            switch (entry.toLowerCase(Locale.ROOT)) {
                case "loopback" -> blocks.addAll(LOOPBACK);
                case "private" -> blocks.addAll(PRIVATE);
                case "link-local" -> blocks.addAll(LINK_LOCAL);
                case "none" -> {
                    if (entries.size() > 1) {
                        throw new IllegalArgumentException(key + ": 'none' cannot be combined with other entries, got '"
                                + text + "'");
                    }
                }
                default -> {
                    try {
                        blocks.add(cidr(entry, entry));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(key + ": '" + entry + "' " + e.getMessage()
                                + " (give CIDRs such as 10.0.0.0/8 or fd00::/8, or " + KEYWORDS + ")");
                    }
                }
            }
        }
        return List.copyOf(blocks);
    }

    /** Whether {@code address} (4 or 16 bytes) lies in this block; an IPv4 block holds no IPv6 address. */
    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
    }

    /** How a refusal names it, e.g. {@code loopback 127.0.0.0/8} or {@code 10.1.0.0/16}. */
    @Override
    public String toString() {
        return name;
    }

    private static List<AddressBlock> named(String keyword, String... cidrs) {
        List<AddressBlock> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            blocks.add(cidr(keyword + " " + cidr, cidr));
        }
        return List.copyOf(blocks);
    }

    private static AddressBlock cidr(String name, String text) {
        int slash = text.indexOf('/');
        byte[] network = literal(slash < 0 ? text : text.substring(0, slash)).getAddress();
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("has a prefix length that is not 0 to " + bits);
            }
            prefix = Integer.parseInt(length);
        }
        AddressBlock block = new AddressBlock(name, network, prefix);
        byte[] masked = network.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        if (!java.util.Arrays.equals(masked, network)) {
            // 10.1.2.3/8 is most likely a typo; widening it silently could deny or allow far more than meant
            throw new IllegalArgumentException("has address bits set past its prefix length");
        }
        return block;
    }

    /** An IP address written as text; never a name, so never a DNS lookup. */
    private static InetAddress literal(String text) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            throw new IllegalArgumentException("is not an IP address");
        }
        try {
            InetAddress address = InetAddress.getByName(text); // a literal: parsed, not looked up
            if (text.indexOf(':') >= 0 && address.getAddress().length == 4) {
                // Java reads ::ffff:a.b.c.d as a.b.c.d; a block written in IPv6 must stay IPv6 to mean what it says
                throw new IllegalArgumentException("is an IPv4-mapped IPv6 address; write the IPv4 block instead");
            }
            return address;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("is not an IP address");
        }
    }
}
