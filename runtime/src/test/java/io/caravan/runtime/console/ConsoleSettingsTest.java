package io.caravan.runtime.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.runtime.config.CaravanConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CARAVAN_HAWTIO_URL becomes a link in the console: an absolute http(s) URL or nothing. */
class ConsoleSettingsTest {

    @Test
    void anHttpOrHttpsUrlIsTaken() {
        assertThat(ConsoleSettings.checkHawtioUrl("http://ops.example.com:8090/hawtio")).isEqualTo("http://ops.example.com:8090/hawtio");
        assertThat(ConsoleSettings.checkHawtioUrl(" https://hawtio.example.com/ ")).isEqualTo("https://hawtio.example.com/");
        assertThat(ConsoleSettings.checkHawtioUrl(null)).isNull();
        assertThat(CaravanConfig.from(Map.of()).hawtioUrl()).isNull();
        assertThat(CaravanConfig.from(Map.of("CARAVAN_HAWTIO_URL", "http://127.0.0.1:8090/hawtio")).hawtioUrl())
                .isEqualTo("http://127.0.0.1:8090/hawtio");
    }

    @Test
    void anythingThatWouldNotBeAPlainLinkIsRefusedNamingTheKey() {
        for (String bad : new String[] {"javascript:alert(1)", "data:text/html,<b>x</b>", "/hawtio", "hawtio.example.com",
                "ftp://example.com/", "http://", "http://exa mple.com/"}) {
            assertThatThrownBy(() -> CaravanConfig.from(Map.of("CARAVAN_HAWTIO_URL", bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CARAVAN_HAWTIO_URL");
        }
    }

    @Test
    void theConsoleServesItsOwnFileNamesOnly() {
        for (String path : new String[] {"/", "/index.html", "/app.js", "/style.css", "/favicon.svg", "/pages/jobs.js",
                "/editor/editor.css"}) {
            assertThat(path.matches(ConsoleServer.CONSOLE_PATHS)).as(path).isTrue();
        }
        for (String path : new String[] {"/api/v1/jobs", "/api", "/health", "/metrics", "/hooks/x", "/webjars/x.js",
                "/console/index.html", "/pages/", "/META-INF/MANIFEST.MF", "/routes/housekeeping.yaml"}) {
            assertThat(path.matches(ConsoleServer.CONSOLE_PATHS)).as(path).isFalse();
        }
        for (String path : new String[] {"/../x.js", "/pages/../../x.js", "/.hidden.js", "/a//b.js", "/a\\b.js"}) {
            assertThat(ConsoleServer.ClasspathFiles.safe(path)).as(path).isFalse();
        }
        assertThat(ConsoleServer.ClasspathFiles.safe("/monaco-editor/0.52.2/min/vs/loader.js")).isTrue();
        assertThat(ConsoleServer.ContentTypes.of("loader.js")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(ConsoleServer.ContentTypes.of("codicon.ttf")).isEqualTo("font/ttf");
    }
}
