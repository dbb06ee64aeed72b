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

    @Test
    void bodyLimitsAndCorsOriginsAreReadWithTheirDefaults() {
        CaravanConfig.Http defaults = CaravanConfig.from(Map.of()).http();
        assertThat(defaults.apiMaxBody()).isEqualTo(10L * 1024 * 1024);
        assertThat(defaults.webhookMaxBody()).isEqualTo(1024 * 1024);
        assertThat(defaults.corsOrigins()).as("CORS is off").isEmpty();

        CaravanConfig.Http set = CaravanConfig.from(Map.of("CARAVAN_API_MAX_BODY", "512KiB", "CARAVAN_WEBHOOK_MAX_BODY", "1000",
                "CARAVAN_CORS_ORIGINS", " https://Console.example.com , http://localhost:3000,")).http();
        assertThat(set.apiMaxBody()).isEqualTo(512 * 1024);
        assertThat(set.webhookMaxBody()).isEqualTo(1000);
        assertThat(set.corsOrigins()).containsExactly("https://console.example.com", "http://localhost:3000");
    }

    @Test
    void aBadLimitOrOriginNamesTheVariable() {
        assertThatThrownBy(() -> CaravanConfig.from(Map.of("CARAVAN_API_MAX_BODY", "10MB")))
                .hasMessageStartingWith("CARAVAN_API_MAX_BODY must be a size in bytes, or with KiB, MiB or GiB");
        assertThatThrownBy(() -> CaravanConfig.from(Map.of("CARAVAN_API_MAX_BODY", "2GiB")))
                .hasMessageContaining("less than 2GiB");
        assertThatThrownBy(() -> CaravanConfig.from(Map.of("CARAVAN_API_MAX_BODY", "999999999999GiB")))
                .hasMessageContaining("less than 2GiB");
        assertThatThrownBy(() -> CaravanConfig.from(Map.of("CARAVAN_WEBHOOK_MAX_BODY", "0")))
                .hasMessageContaining("CARAVAN_WEBHOOK_MAX_BODY must be at least 1 byte");
        assertThatThrownBy(() -> CaravanConfig.from(Map.of("CARAVAN_WEBHOOK_MAX_BODY", "20MiB")))
                .hasMessageStartingWith("CARAVAN_WEBHOOK_MAX_BODY (20971520 bytes) cannot be larger than CARAVAN_API_MAX_BODY");
        for (String origin : new String[] {"*", "null", "console.example.com", "https://console.example.com/app",
                "ftp://console.example.com", "https://user@console.example.com"}) {
            assertThatThrownBy(() -> CaravanConfig.from(Map.of("CARAVAN_CORS_ORIGINS", origin))).as(origin)
                    .hasMessageStartingWith("CARAVAN_CORS_ORIGINS: '" + origin + "'");
        }
    }
}
