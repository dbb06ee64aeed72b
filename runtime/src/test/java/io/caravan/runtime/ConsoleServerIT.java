package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.runtime.console.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console as the server hands it out: its files and WebJars with their content types and
 * caching, the page's Content-Security-Policy, no token needed for the pages; the API's answers
 * unchanged beside it. And, in a real browser, that the shell loads under that policy with
 * nothing refused, and signs in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleServerIT {

    private static final String MONACO = "/webjars/monaco-editor/0.52.2/min/vs/loader.js";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestNode node;

    @BeforeAll
    void start() throws Exception {
        node = TestNode.start(1);
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageAndItsModulesLoadWithoutATokenAndAreRevalidatedEachTime() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\"></script>");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self';", "style-src 'self' 'unsafe-inline'", "worker-src 'self' blob:",
                "frame-ancestors 'none'", "object-src 'none'").doesNotContain("unsafe-eval");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        for (String module : new String[] {"/app.js", "/api.js", "/ui.js"}) {
            HttpResponse<String> js = get(module);
            assertThat(js.statusCode()).as(module).isEqualTo(200);
            assertThat(js.headers().firstValue("Content-Type")).as(module).hasValueSatisfying(t -> assertThat(t)
                    .matches("(application|text)/javascript.*"));
            assertThat(js.headers().firstValue("Cache-Control")).as(module).hasValue("no-cache");
        }
        assertThat(get("/style.css").headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(get("/index.html").statusCode()).isEqualTo(200);

        // a second load asks whether it changed, and is told it has not
        String etag = get("/app.js").headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(node.base() + "/app.js"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        HttpResponse<String> stale = http.send(HttpRequest.newBuilder(URI.create(node.base() + "/app.js"))
                .header("If-None-Match", "\"0-0\"").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stale.statusCode()).isEqualTo(200);
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(node.base() + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length").orElseThrow()).isEqualTo(page.body().length());
    }

    @Test
    void webJarsAreServedWithTheirVersionInThePathAndCachedForGood() throws Exception {
        HttpResponse<String> loader = get(MONACO);
        assertThat(loader.statusCode()).isEqualTo(200);
        assertThat(loader.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .matches("(application|text)/javascript.*"));
        assertThat(loader.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(loader.body()).hasSize(30051);
        long started = System.nanoTime();
        assertThat(get("/webjars/monaco-editor/0.52.2/min/vs/editor/editor.main.js").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a file out of Monaco's 20 MB jar").isLessThan(Duration.ofSeconds(2));
        assertThat(get("/webjars/sortablejs/1.15.6/Sortable.min.js").statusCode()).isEqualTo(200);
        assertThat(get("/webjars/monaco-editor/0.52.2/min/vs/nothing.js").statusCode()).isEqualTo(404);
        assertThat(get("/webjars/monaco-editor/0.52.2/min/vs/").statusCode()).as("no listings").isEqualTo(404);
        assertThat(get("/webjars/monaco-editor/0.52.2/min/vs/editor").statusCode()).as("no listings").isEqualTo(404);
        assertThat(get("/webjars/../../io/caravan/runtime/Caravan.class").statusCode()).isEqualTo(404);
        assertThat(get("/webjars/%2e%2e/%2e%2e/io/caravan/runtime/Caravan.class").statusCode()).isEqualTo(404);
    }

    @Test
    void whatIsNotTheConsoleAnswersAsBefore() throws Exception {
        HttpResponse<String> api = get("/api/v1/jobs");
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(api.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
        assertThat(api.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(get("/health").body()).contains("\"status\"");
        assertThat(get("/api/v1/nothing").statusCode()).isEqualTo(404);
        assertThat(get("/pages/nothing.js").statusCode()).isEqualTo(404);
        assertThat(get("/../../etc/passwd").statusCode()).isIn(400, 404);
        assertThat(get("/console/index.html").statusCode()).as("the files are at /, not under their folder").isEqualTo(404);
        assertThat(get("/META-INF/MANIFEST.MF").statusCode()).isEqualTo(404);
    }

    @Test
    void theShellLoadsInABrowserUnderItsPolicyAndSignsIn() throws Exception {
        try (Browser browser = Browser.open(node.base())) {
            browser.driver().get(node.base() + "/");
            browser.waitFor("login-token");
            browser.screenshot("login");
            browser.login(TestNode.TOKEN);
            assertThat(browser.waitFor("nav-jobs").getAttribute("aria-current")).isEqualTo("page");
            assertThat(browser.severe()).as("the browser console").isEmpty();

            // and the policy holds, and what it blocks shows up where the tests look for it
            browser.script("var s = document.createElement('script'); s.textContent = 'window.injected = 1';"
                    + " document.body.append(s);");
            assertThat(browser.script("return window.injected === undefined")).isEqualTo(true);
            browser.until(d -> !browser.severe().isEmpty());
            assertThat(browser.severe()).anyMatch(m -> m.contains("Content Security Policy") && m.contains("script-src 'self'"));
        }
    }
}
