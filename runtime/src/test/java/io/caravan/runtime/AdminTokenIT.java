package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.runtime.config.CaravanConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without CARAVAN_ADMIN_TOKEN, the first start generates an admin token once and stores only its hash. */
class AdminTokenIT {

    @Test
    void firstStartGeneratesATokenOnceAndKeepsOnlyItsHash(@TempDir Path dir) throws Exception {
        Map<String, String> config = Map.of("CARAVAN_HTTP_PORT", String.valueOf(TestNode.freePort()),
                "CARAVAN_DATA_DIR", dir.toString());
        String token;
        try (TestNode node = TestNode.wrap(Caravan.start(CaravanConfig.from(config)), dir)) {
            token = node.caravan.generatedAdminToken();
            assertThat(token).startsWith("cvn_").hasSizeGreaterThan(40);
            assertThat(node.call("GET", "/api/v1/jobs", null, token).statusCode()).isEqualTo(200);
            assertThat(node.call("GET", "/api/v1/jobs", null, token + "x").statusCode()).isEqualTo(401);
            try (Connection c = DriverManager.getConnection(node.caravan.databaseUrl(), "postgres", "postgres");
                    ResultSet rs = c.createStatement().executeQuery("select * from api_tokens")) {
                while (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        assertThat(String.valueOf(rs.getObject(i))).doesNotContain(token);
                    }
                }
            }
        }
        try (TestNode node = TestNode.wrap(Caravan.start(CaravanConfig.from(config)), dir)) {
            assertThat(node.caravan.generatedAdminToken()).as("printed once, at the first start only").isNull();
            assertThat(node.call("GET", "/api/v1/jobs", null, token).statusCode()).isEqualTo(200);
        }
    }
}
