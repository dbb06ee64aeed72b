package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.runtime.config.CaravanConfig;
import io.caravan.runtime.console.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console end to end, in Debian's headless Chromium against a real node: sign-in (a wrong
 * token refused with a message), the jobs list, an execution followed live to SUCCESS on its
 * timeline with its context, files and logs, cancel and retry, the executions list, versions
 * (diff, rollback), connections, secrets, the route with its Hawtio link, the dark theme. Each
 * page is photographed into target/console-screenshots; the browser console logs nothing SEVERE
 * (failed loads, script errors, Content-Security-Policy violations).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsolePagesIT {

    private static final String HAWTIO = "http://hawtio.example.com:8180/hawtio";
    /** A job of three steps, the middle one waiting {@code params.seconds}, that writes a CSV file. */
    private static final String DEMO = """
            {"id": "console-demo", "name": "Console demo", "description": "Reads, waits, writes a CSV.",
             "tags": ["reports", "demo"], "params": {"seconds": {"type": "number", "default": %s}},
             "triggers": [{"type": "schedule", "cron": "0 0 6 * * ?"}],
             "steps": [
               {"id": "source", "type": "sql", "connection": "local", "query": "select g as sku, g * 3 as qty from generate_series(1, 4) g"},
               {"id": "wait", "type": "sql", "connection": "local", "query": "select pg_sleep(:s) as slept", "parameters": {"s": "{{ params.seconds }}"}},
               {"id": "export", "type": "csv.write", "rows": "{{ steps.source.output.rows }}", "file": "stock.csv"},
               {"id": "done", "type": "log", "message": "wrote the stock file"}]}""";

    private Path dir;
    private TestNode node;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        Browser.assumeInstalled();
        dir = Files.createTempDirectory("caravan-console");
        node = TestNode.wrap(Caravan.start(CaravanConfig.from(Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(TestNode.freePort()),
                "CARAVAN_DATA_DIR", dir.toString(),
                "CARAVAN_ADMIN_TOKEN", TestNode.TOKEN,
                "CARAVAN_WORKERS", "2",
                "CARAVAN_HAWTIO_URL", HAWTIO))), dir);
        TestNode.expect(node.call("POST", "/api/v1/jobs", DEMO.formatted(1)), 201);
        TestNode.expect(node.call("PUT", "/api/v1/jobs/console-demo?message=quicker", DEMO.formatted(0.5)), 200);
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "console-failing", "tags": ["ops"],
                 "steps": [{"id": "call", "type": "http", "url": "http://127.0.0.1:1/nothing"}]}"""), 201);
        browser = Browser.open(node.base());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (node != null) {
            node.close();
        }
        if (dir != null) {
            TestNode.deleteTree(dir);
        }
    }

    @Test
    @Order(1)
    void aWrongTokenIsRefusedWithAMessageAndTheRightOneSignsIn() throws Exception {
        browser.driver().get(node.base() + "/");
        browser.type("login-token", "not-a-token").click("login-submit");
        assertThat(browser.waitForText("login-error", "refused").getText()).contains("This token was refused");
        browser.screenshot("login-refused");
        assertThat(browser.severe()).as("the refused call is logged by the browser").anyMatch(m -> m.contains("401"));
        browser.clearSevere();

        browser.login(TestNode.TOKEN);
        assertThat(browser.waitFor("nav-jobs").getAttribute("class")).contains("active");
    }

    @Test
    @Order(2)
    void theJobsListShowsTheJobsAndFiltersAndTogglesThem() throws Exception {
        browser.go("#/jobs");
        WebElement demo = row("job-row", "data-job", "console-demo");
        assertThat(demo.getText()).contains("Console demo", "reports", "v2");
        assertThat(demo.findElement(Browser.test("job-next-fire")).getText()).startsWith("in ");
        assertThat(rows("job-row")).hasSize(2);
        browser.screenshot("jobs");

        browser.type("job-search", "failing");
        browser.until(d -> rows("job-row").size() == 1);
        assertThat(rows("job-row").get(0).getAttribute("data-job")).isEqualTo("console-failing");
        browser.type("job-search", "");
        browser.until(d -> rows("job-row").size() == 2);
        browser.driver().findElement(By.cssSelector("[data-test=tag][data-tag=ops]")).click();
        browser.until(d -> rows("job-row").size() == 1);
        browser.driver().findElement(By.cssSelector("[data-test=tag][data-tag=ops]")).click();
        browser.until(d -> rows("job-row").size() == 2);

        // the switch disables the job through PATCH, and enables it again
        row("job-row", "data-job", "console-failing").findElement(By.cssSelector(".switch span")).click();
        browser.waitFor("toast-success");
        assertThat(node.json(node.call("GET", "/api/v1/jobs/console-failing", null)).get("enabled").asBoolean()).isFalse();
        browser.until(d -> !row("job-row", "data-job", "console-failing").findElement(Browser.test("job-enabled")).isSelected());
        row("job-row", "data-job", "console-failing").findElement(By.cssSelector(".switch span")).click();
        browser.until(d -> {
            try {
                return node.json(node.call("GET", "/api/v1/jobs/console-failing", null)).get("enabled").asBoolean();
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    @Order(3)
    void anExecutionIsFollowedToSuccessOnItsTimelineWithContextFilesAndLogs() throws Exception {
        String id = node.run("console-demo", "{\"seconds\": 1.5}");
        browser.go("#/executions/" + id);
        browser.waitFor("timeline-bar");
        browser.waitForText("execution-status", "SUCCESS"); // by the status events, the page is not reloaded
        assertThat(browser.all("timeline-queue")).hasSize(1);
        List<WebElement> steps = browser.driver().findElements(By.cssSelector("[data-test=timeline] .timeline-row[data-step]"));
        assertThat(steps).extracting(e -> e.getAttribute("data-step")).containsExactly("source", "wait", "export", "done");
        assertThat(steps).extracting(e -> e.getAttribute("data-status")).containsOnly("SUCCESS");
        WebElement wait = steps.get(1);
        assertThat(wait.getText()).matches("(?s).*wait.*1\\.\\d+ s.*");
        assertThat(browser.waitFor("cancel").isEnabled()).as("an ended execution cannot be cancelled").isFalse();
        assertThat(browser.waitFor("retry").isEnabled()).as("a successful one is not retried").isFalse();
        assertThat(browser.all("step-output")).isNotEmpty();
        browser.screenshot("execution");

        browser.click("tab-context");
        browser.until(d -> browser.waitFor("context-view").getText().contains("\"execution\""));
        browser.screenshot("execution-context");

        browser.click("tab-files");
        WebElement file = browser.waitFor("file-link");
        assertThat(file.getText()).isEqualTo("stock.csv");
        file.click();
        Path saved = browser.downloads().resolve("stock.csv");
        browser.until(d -> Files.exists(saved));
        assertThat(Files.readString(saved)).contains("sku", "qty");

        browser.click("tab-logs");
        browser.until(d -> browser.all("log-line").stream().anyMatch(l -> l.getText().contains("wrote the stock file")));
        browser.screenshot("execution-logs");
    }

    @Test
    @Order(4)
    void aRunningExecutionIsCancelledAndAFailedOneRetriedFromItsPage() throws Exception {
        String running = node.run("console-demo", "{\"seconds\": 4}");
        browser.go("#/executions/" + running);
        browser.waitForText("execution-status", "RUNNING");
        browser.until(d -> browser.waitFor("cancel").isEnabled());
        browser.screenshot("execution-running");
        browser.click("cancel").click("confirm");
        browser.waitForText("execution-status", "CANCELLED");

        String failed = node.run("console-failing", null);
        node.awaitEnd(failed);
        browser.go("#/executions/" + failed);
        browser.waitForText("execution-status", "FAILED");
        assertThat(browser.waitFor("step-error").getText()).contains("127.0.0.1:1");
        assertThat(browser.waitFor("execution-errors").getText()).contains("call");
        browser.screenshot("execution-failed");
        browser.until(d -> browser.waitFor("retry").isEnabled());
        browser.click("retry");
        assertThat(browser.waitFor("toast-success").getText()).isEqualTo("Queued again");
        browser.waitForText("execution-status", "FAILED"); // it fails again, and the page follows it there
    }

    @Test
    @Order(5)
    void theExecutionsListFiltersAndShowsNewRunsAsTheyCome() throws Exception {
        browser.go("#/executions");
        browser.waitFor("execution-row");
        new org.openqa.selenium.support.ui.Select(browser.waitFor("execution-filter-status")).selectByValue("FAILED");
        browser.until(d -> rows("execution-row").stream().allMatch(r -> "FAILED".equals(r.getAttribute("data-status"))));
        new org.openqa.selenium.support.ui.Select(browser.waitFor("execution-filter-status")).selectByValue("");
        new org.openqa.selenium.support.ui.Select(browser.waitFor("execution-filter-job")).selectByValue("console-demo");
        browser.until(d -> rows("execution-row").size() == 2);
        browser.screenshot("executions");

        // from the keyboard: j picks the first row, j the second, Enter opens it
        String second = rows("execution-row").get(1).getAttribute("data-execution");
        browser.script("document.activeElement.blur()"); // the filter had the focus: keys there are typing
        new org.openqa.selenium.interactions.Actions(browser.driver()).sendKeys("jj").perform();
        browser.until(d -> rows("execution-row").get(1).getAttribute("class").contains("selected"));
        new org.openqa.selenium.interactions.Actions(browser.driver()).sendKeys(org.openqa.selenium.Keys.ENTER).perform();
        browser.until(d -> d.getCurrentUrl().endsWith("#/executions/" + second));
        browser.waitFor("timeline");
        browser.go("#/executions?job=console-demo");
        browser.until(d -> rows("execution-row").size() == 2);

        String fresh = node.run("console-demo", "{\"seconds\": 0}");
        browser.until(d -> rows("execution-row").stream().anyMatch(r -> fresh.equals(r.getAttribute("data-execution"))));
        node.awaitEnd(fresh);
        browser.until(d -> rows("execution-row").stream().anyMatch(r -> fresh.equals(r.getAttribute("data-execution"))
                && "SUCCESS".equals(r.getAttribute("data-status"))));
    }

    @Test
    @Order(6)
    void versionsAreComparedSideBySideAndRolledBack() throws Exception {
        browser.go("#/jobs/console-demo/versions");
        browser.until(d -> rows("version-row").size() == 2);
        browser.waitForText("diff-summary", "1 change");
        WebElement diff = browser.waitFor("versions-diff");
        browser.until(d -> !diff.findElements(By.cssSelector(".monaco-diff-editor")).isEmpty());
        browser.until(d -> diff.getText().contains("\"default\": 0.5"));
        browser.screenshot("versions");

        row("version-row", "data-version", "1").findElement(Browser.test("rollback")).click();
        browser.click("confirm");
        browser.waitFor("toast-success");
        browser.until(d -> rows("version-row").size() == 3);
        JsonNode job = node.json(node.call("GET", "/api/v1/jobs/console-demo", null));
        assertThat(job.get("version").asInt()).isEqualTo(3);
        assertThat(job.at("/definition/params/seconds/default").asInt()).isEqualTo(1);
    }

    @Test
    @Order(7)
    void connectionsAreCreatedTestedAndDeletedWithTheirSecretsNeverShown() throws Exception {
        browser.go("#/connections");
        browser.click("connection-new");
        browser.type("connection-name", "warehouse");
        browser.type("connection-url", "jdbc:postgresql://127.0.0.1:1/none");
        browser.type("connection-username", "reader");
        browser.type("connection-password", "pw-never-shown");
        browser.click("connection-save");
        WebElement row = row("connection-row", "data-connection", "warehouse");
        assertThat(row.getText()).contains("jdbc", "password ••••").doesNotContain("pw-never-shown");
        row.findElement(Browser.test("connection-test")).click();
        browser.until(d -> row("connection-row", "data-connection", "warehouse")
                .findElement(Browser.test("connection-test-result")).getText().contains("FAILED"));
        browser.screenshot("connections");
        assertThat(browser.driver().getPageSource()).doesNotContain("pw-never-shown");

        row("connection-row", "data-connection", "warehouse").findElement(Browser.test("connection-delete")).click();
        browser.click("confirm");
        browser.until(d -> rows("connection-row").isEmpty());
        assertThat(node.call("GET", "/api/v1/connections/warehouse", null).statusCode()).isEqualTo(404);
        browser.clearSevere(); // the failed test call is a 200 with ok=false; nothing else was logged
    }

    @Test
    @Order(8)
    void secretsAreSetReplacedAndDeletedWithoutTheirValuesShown() throws Exception {
        browser.go("#/secrets");
        browser.click("secret-new");
        browser.type("secret-name", "partner_token");
        browser.type("secret-value", "first-value-never-shown");
        browser.click("secret-save");
        row("secret-row", "data-secret", "partner_token");
        browser.screenshot("secrets");
        String before = node.query("select updated_at::text from secrets where name = 'partner_token'").get(0);

        row("secret-row", "data-secret", "partner_token").findElement(Browser.test("secret-replace")).click();
        browser.type("secret-value", "second-value-never-shown");
        browser.click("secret-save");
        browser.waitFor("toast-success");
        browser.until(d -> {
            try {
                return !node.query("select updated_at::text from secrets where name = 'partner_token'").get(0).equals(before);
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(browser.driver().getPageSource()).doesNotContain("value-never-shown");

        row("secret-row", "data-secret", "partner_token").findElement(Browser.test("secret-delete")).click();
        browser.click("confirm");
        browser.until(d -> rows("secret-row").isEmpty());
        assertThat(node.call("GET", "/api/v1/secrets/partner_token", null).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(9)
    void theRouteShowsItsYamlAndLinksHawtio() throws Exception {
        browser.go("#/jobs/console-demo");
        assertThat(browser.waitFor("job-overview").getText()).contains("Reads, waits, writes a CSV.", "schedule");
        browser.waitFor("job-stats");
        browser.screenshot("job");

        browser.click("job-route");
        browser.until(d -> browser.waitFor("route-yaml").getText().contains("job.console-demo"));
        assertThat(browser.waitFor("hawtio-link").getAttribute("href")).isEqualTo(HAWTIO);
        browser.screenshot("route");
    }

    @Test
    @Order(10)
    void theDarkThemeIsOneClickAwayAndStays() throws Exception {
        browser.go("#/jobs");
        browser.waitFor("job-row");
        String light = String.valueOf(browser.script("return getComputedStyle(document.body).backgroundColor"));
        String before = browser.theme();
        browser.click("theme-toggle");
        browser.until(d -> !browser.theme().equals(before));
        browser.click("theme-toggle");
        browser.until(d -> browser.theme().equals(before));
        if (!"dark".equals(before)) {
            browser.click("theme-toggle");
        }
        assertThat(browser.theme()).isEqualTo("dark");
        assertThat(browser.script("return getComputedStyle(document.body).backgroundColor")).isNotEqualTo(light);
        browser.screenshot("jobs-dark");
        browser.driver().navigate().refresh();
        browser.waitFor("job-row");
        assertThat(browser.theme()).as("kept across loads").isEqualTo("dark");

        String id = node.run("console-demo", "{\"seconds\": 0}");
        node.awaitEnd(id);
        browser.go("#/executions/" + id);
        browser.waitForText("execution-status", "SUCCESS");
        browser.screenshot("execution-dark");
        browser.click("theme-toggle");
    }

    @Test
    @Order(11)
    void theBrowserLoggedNothingSevere() {
        assertThat(browser.severe()).as("the browser console after every page").isEmpty();
    }

    private List<WebElement> rows(String hook) {
        return browser.all(hook);
    }

    /** Waits for the element with this hook whose attribute has this value. */
    private WebElement row(String hook, String attribute, String value) {
        return browser.until(d -> d.findElements(By.cssSelector("[data-test='" + hook + "'][" + attribute + "='" + value + "']"))
                .stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }
}
