package io.caravan.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.connectors.egress.EgressRefusedException;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The egress settings of the configuration. */
class CaravanConfigTest {

    @Test
    void byDefaultLinkLocalIsDeniedAndLoopbackAllowed() throws Exception {
        CaravanConfig config = CaravanConfig.from(Map.of());

        assertThat(config.egress().allowed("127.0.0.1", InetAddress.getByName("127.0.0.1"))).hasSize(1);
        assertThatThrownBy(() -> config.egress().allowed("imds", InetAddress.getByName("169.254.169.254")))
                .isInstanceOf(EgressRefusedException.class);
    }

    @Test
    void denyAndAllowAreRead() throws Exception {
        CaravanConfig config = CaravanConfig.from(Map.of("CARAVAN_EGRESS_DENY", "loopback, private, link-local",
                "CARAVAN_EGRESS_ALLOW", "10.8.0.0/16"));

        assertThat(config.egress().allowed("vpn", InetAddress.getByName("10.8.1.1"))).hasSize(1);
        assertThatThrownBy(() -> config.egress().allowed("lo", InetAddress.getByName("127.0.0.1")))
                .isInstanceOf(EgressRefusedException.class);
        assertThat(CaravanConfig.from(Map.of("CARAVAN_EGRESS_DENY", "none")).egress()
                .allowed("imds", InetAddress.getByName("169.254.169.254"))).hasSize(1);
    }

    @Test
    void aBadEntryNamesTheVariable() {
        assertThatThrownBy(() -> CaravanConfig.from(Map.of("CARAVAN_EGRESS_DENY", "loopback, 10.0.0.0/40")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CARAVAN_EGRESS_DENY: '10.0.0.0/40' has a prefix length that is not 0 to 32");
        assertThatThrownBy(() -> CaravanConfig.from(Map.of("CARAVAN_EGRESS_ALLOW", "intranet.example")))
                .hasMessageStartingWith("CARAVAN_EGRESS_ALLOW: 'intranet.example' is not an IP address");
    }
}
