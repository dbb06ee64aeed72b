package io.caravan.connectors.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The egress policy's settings and its verdict on resolved addresses. */
class EgressPolicyTest {

    private static EgressPolicy policy(String deny, String allow) {
        return new EgressPolicy(AddressBlock.parse("DENY", deny), AddressBlock.parse("ALLOW", allow));
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "169.254.0.1", "::ffff:169.254.169.254", "::169.254.169.254",
        "64:ff9b::169.254.169.254", "fd00:ec2::254", "fe80::1"})
    void defaultDeniesLinkLocalAndMetadataInAnyForm(String address) throws Exception {
        assertThatThrownBy(() -> EgressPolicy.DEFAULT.allowed(address, ip(address)))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.rule()).startsWith("link-local"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "fd00::1", "8.8.8.8", "0.0.0.0"})
    void defaultAllowsLoopbackPrivateAndPublicAddresses(String address) throws Exception {
        assertThat(EgressPolicy.DEFAULT.allowed(address, ip(address))).containsExactly(ip(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.9.9.9", "::1", "0.0.0.0", "::", "::ffff:127.0.0.1", "::127.0.0.1",
        "64:ff9b::7f00:1"})
    void loopbackKeywordCoversThisHostInAnyForm(String address) throws Exception {
        assertThatThrownBy(() -> policy("loopback", "").allowed(address, ip(address)))
                .isInstanceOf(EgressRefusedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "172.31.0.1", "192.168.0.1", "fd12::1", "::ffff:10.0.0.1"})
    void privateKeywordCoversRfc1918AndUniqueLocal(String address) throws Exception {
        assertThatThrownBy(() -> policy("private", "").allowed(address, ip(address)))
                .isInstanceOf(EgressRefusedException.class);
        assertThat(policy("private", "").allowed("8.8.8.8", ip("8.8.8.8"))).hasSize(1);
        assertThat(policy("private", "").allowed("172.32.0.1", ip("172.32.0.1"))).hasSize(1);
    }

    @Test
    void allowWinsOverDeny() throws Exception {
        EgressPolicy policy = policy("private, link-local", "10.20.0.0/16");

        assertThat(policy.allowed("db", ip("10.20.3.4"))).containsExactly(ip("10.20.3.4"));
        assertThatThrownBy(() -> policy.allowed("db", ip("10.21.3.4"))).isInstanceOf(EgressRefusedException.class);
    }

    @Test
    void aNameKeepsOnlyItsAllowedAddresses() throws Exception {
        assertThat(EgressPolicy.DEFAULT.allowed("mixed", ip("169.254.169.254"), ip("93.184.216.34")))
                .containsExactly(ip("93.184.216.34"));
    }

    @Test
    void refusalNamesTheHostTheAddressAndTheRule() throws Exception {
        InetAddress first = ip("10.1.1.1");
        assertThatThrownBy(() -> policy("10.0.0.0/8", "").allowed("db.internal", ip("10.1.1.1"), ip("10.2.2.2")))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> {
                    assertThat(e.host()).isEqualTo("db.internal");
                    assertThat(e.address()).isEqualTo(first);
                    assertThat(e).hasMessage("db.internal (10.1.1.1) is in 10.0.0.0/8, which the egress policy denies");
                });
    }

    @Test
    void resolvesANameBeforeChecking() {
        assertThatThrownBy(() -> policy("loopback", "").resolve("localhost"))
                .isInstanceOfSatisfying(EgressRefusedException.class,
                        e -> assertThat(e).hasMessageStartingWith("localhost (").hasMessageContaining("loopback"));
    }

    @Test
    void singleAddressesIPv6BlocksAndNoneParse() throws Exception {
        assertThat(AddressBlock.parse("K", "10.1.2.3, fd00::/8 ,LOOPBACK")).hasSize(2 + AddressBlock.LOOPBACK.size());
        assertThat(AddressBlock.parse("K", "none")).isEmpty();
        assertThat(policy("fd00::/8", "").allowed("v4", ip("253.0.0.1"))).as("an IPv6 block holds no IPv4 address")
                .hasSize(1);
        assertThat(policy("0.0.0.0/0", "").allowed("v6", ip("2001:db8::1"))).as("nor the other way round").hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "10.1.2.3/8", "256.1.1.1", "10.0.0", "example.com",
        "localhost", "::ffff:10.0.0.0/104", "fe80::/129", "public", "loopback, none", "10.0.0.0/8/8"})
    void badEntriesGiveAnErrorNamingTheSettingAndTheEntry(String text) {
        assertThatThrownBy(() -> AddressBlock.parse("CARAVAN_EGRESS_DENY", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CARAVAN_EGRESS_DENY: '");
    }

    @Test
    void aBadEntryErrorSaysWhatIsWrongAndWhatIsAccepted() {
        assertThatThrownBy(() -> AddressBlock.parse("CARAVAN_EGRESS_ALLOW", "10.0.0.0/8, 10.1.2.3/8"))
                .hasMessage("CARAVAN_EGRESS_ALLOW: '10.1.2.3/8' has address bits set past its prefix length"
                        + " (give CIDRs such as 10.0.0.0/8 or fd00::/8, or loopback, private, link-local or none)");
        assertThat(List.of(AddressBlock.LINK_LOCAL.get(0).toString())).containsExactly("link-local 169.254.0.0/16");
    }
}
