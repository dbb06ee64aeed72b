package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.runtime.console.Browser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The console's job editor in a real browser against a real node: a job built in the visual
 * builder (a param, a set step and a log step), its problems shown where they are and fixed,
 * saved, run through the params form to SUCCESS, edited and saved again, the two versions
 * diffed; and the JSON and the builder editing one document.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleEditorIT {

    private TestNode node;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        Browser.assumeInstalled();
        node = TestNode.start(2);
        browser = Browser.open(node.base());
        browser.login(TestNode.TOKEN);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void nothingFailedInThePage() {
        if (browser != null) {
            assertThat(browser.severe()).as("SEVERE entries of the browser's console").isEmpty();
        }
    }

    @Test
    void aJobBuiltInTheBuilderIsSavedRunEditedAndDiffed() throws Exception {
        openNewJob();

        // an id the schema refuses is marked on its field as it is typed, and cleared when fixed
        browser.type("job-id", "Greeter Job");
        waitShown("[data-path='$.id'] [data-test='validation-error']");
        browser.type("job-id", "greeter");
        waitNone("[data-path='$.id'] [data-test='validation-error']");

        browser.type("job-description", "Greets whoever is named");
        press("param-add");
        browser.type("param-name", "name");
        browser.type("param-default", "world");
        press("param-required");

        press("builder-add-step");
        press("step-kind-set");
        WebElement set = card(0);
        set.findElement(Browser.test("kv-add")).click();
        set.findElement(Browser.test("kv-key")).sendKeys("greeting");
        set.findElement(Browser.test("kv-value")).sendKeys("Hello, {{ params.name }}!");

        press("builder-add-step");
        press("step-kind-log");
        // the log step has no message yet: the schema check marks its card at once, and the
        // server's check (Validate) puts its problem on the field itself
        waitShown("[data-test='step-card'][data-index='1'] [data-test='validation-error']");
        browser.click("validate");
        WebElement missing = waitShown("[data-path='$.steps[1].message'] [data-test='validation-error'][data-source='server']");
        assertThat(missing.getText()).contains("required");
        browser.screenshot("editor-validation");

        card(1).findElement(Browser.test("field-message")).sendKeys("{{ variables.greeting }}");
        browser.waitForText("validation-status", "No problems");
        assertThat(visible("[data-test='validation-error']")).isEmpty();
        hideToasts();
        browser.screenshot("editor-builder");

        // the builder wrote the JSON: Monaco's text is the document the builder shows
        JsonNode text = TestNode.JSON.readTree((String) browser.script(
                "return monaco.editor.getModels().find(m => m.uri.toString().includes('caravan/jobs/')).getValue()"));
        assertThat(text.path("id").asText()).isEqualTo("greeter");
        assertThat(text.at("/steps/0/variables/greeting").asText()).isEqualTo("Hello, {{ params.name }}!");

        browser.click("tab-flow");
        browser.until(d -> browser.all("flow-step").size() == 2);
        browser.screenshot("editor-flow");
        // a step chosen in the flow is shown in the builder, and the JSON's cursor goes to it
        browser.all("flow-step").get(1).click();
        browser.waitFor("job-id");
        Object next = browser.script("const e = monaco.editor.getEditors()[0];"
                + " return e.getModel().getLineContent(e.getPosition().lineNumber + 1)");
        assertThat(String.valueOf(next)).contains("\"id\": \"log_1\"");

        browser.click("save");
        browser.until(d -> d.getCurrentUrl().endsWith("#/jobs/greeter/edit"));
        browser.waitForText("editor-title", "v1");
        JsonNode saved = TestNode.expect(node.call("GET", "/api/v1/jobs/greeter", null), 200).path("definition");
        assertThat(saved.at("/params/name/default").asText()).isEqualTo("world");
        assertThat(saved.at("/params/name/required").asBoolean()).isTrue();
        assertThat(saved.at("/steps/1/type").asText()).isEqualTo("log");
        assertThat(saved.at("/steps/1/message").asText()).isEqualTo("{{ variables.greeting }}");

        // run it with the params form: the default is there, a value replaces it
        browser.click("editor-run");
        WebElement param = browser.waitFor("run-param-name");
        assertThat(browser.driver().findElement(By.cssSelector("label[for='run-name']")).getText()).contains("*");
        assertThat(param.getAttribute("value")).isEqualTo("world");
        // required: emptied, the form refuses to send it
        param.clear();
        browser.click("run-submit");
        assertThat(browser.waitFor("validation-error").getText()).contains("required");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/jobs/greeter/run");
        browser.type("run-param-name", "Caravan");
        browser.waitGone("validation-error");
        hideToasts();
        browser.screenshot("run-form");
        browser.click("run-submit");
        browser.until(d -> d.getCurrentUrl().contains("#/executions/"));
        String execution = browser.driver().getCurrentUrl().replaceAll(".*#/executions/", "");
        browser.waitForText("execution-status", "SUCCESS");
        browser.waitFor("timeline-bar");
        browser.click("tab-context");
        browser.waitForText("context-view", "Hello, Caravan!");
        JsonNode context = TestNode.expect(node.call("GET", "/api/v1/executions/" + execution + "/context", null), 200);
        assertThat(context.toString()).contains("Hello, Caravan!");

        // edit again, with a change message, saved with Ctrl+S from the field
        browser.go("#/jobs/greeter/edit");
        browser.waitForText("editor-title", "v1");
        WebElement message = card(1).findElement(Browser.test("field-message"));
        message.sendKeys(" Again.");
        browser.type("save-message", "louder");
        new Actions(browser.driver()).keyDown(Keys.CONTROL).sendKeys("s").keyUp(Keys.CONTROL).perform();
        browser.waitForText("editor-title", "v2");
        JsonNode versions = TestNode.expect(node.call("GET", "/api/v1/jobs/greeter/versions", null), 200);
        assertThat(versions.toString()).contains("louder");

        browser.go("#/jobs/greeter/versions");
        browser.waitForText("versions-diff", "Again.");
    }

    @Test
    void theJsonAndTheBuilderEditOneDocument() throws Exception {
        openNewJob();
        // text typed (here: pasted) into Monaco reaches the builder and the flow view
        browser.script("monaco.editor.getModels().find(m => m.uri.toString().includes('caravan/jobs/')).setValue(arguments[0])", """
                {"id": "nightly-orders", "description": "Counts yesterday's orders, then says so per region",
                 "tags": ["nightly"],
                 "params": {"day": {"type": "string", "format": "date", "required": true}},
                 "triggers": [{"type": "schedule", "cron": "0 0 6 * * ?", "timezone": "Europe/Berlin",
                               "params": {"day": "{{ date(trigger.scheduled_at, 'yyyy-MM-dd', -1) }}"}}],
                 "steps": [
                  {"id": "first", "type": "log", "message": "orders of {{ params.day }}", "when": "{{ params.day != '' }}"},
                  {"id": "second", "type": "log", "message": "{{ item }}", "forEach": ["north", "south"], "continueOnError": true}
                ]}""");
        browser.until(d -> titles().equals(List.of("first", "second")));
        // and keys typed into Monaco too
        browser.script("const e = monaco.editor.getEditors()[0]; const m = e.getModel();"
                + " e.setPosition(m.getPositionAt(m.getValue().indexOf('orders of'))); e.focus();");
        new Actions(browser.driver()).sendKeys("all ").perform();
        browser.until(d -> "all orders of {{ params.day }}".equals(card(0).findElement(Browser.test("field-message")).getAttribute("value")));

        // reorder with the keyboard buttons: the JSON follows
        card(0).findElement(Browser.test("step-down")).click();
        browser.until(d -> titles().equals(List.of("second", "first")));
        assertThat(monacoJson().at("/steps/0/id").asText()).isEqualTo("second");

        card(0).findElement(Browser.test("step-duplicate")).click();
        browser.until(d -> titles().equals(List.of("second", "second_copy", "first")));
        card(1).findElement(Browser.test("step-delete")).click();
        browser.until(d -> titles().equals(List.of("second", "first")));
        assertThat(monacoJson().path("steps").size()).isEqualTo(2);

        // and by dragging a card's handle above the first card (folded, both are in view)
        card(0).findElement(Browser.test("step-toggle")).click();
        card(1).findElement(Browser.test("step-toggle")).click();
        WebElement handle = card(1).findElement(By.cssSelector(".drag-handle"));
        WebElement first = card(0);
        browser.script("arguments[0].scrollIntoView({block: 'center'})", first);
        new Actions(browser.driver()).clickAndHold(handle).pause(Duration.ofMillis(100))
                .moveByOffset(0, -10).pause(Duration.ofMillis(100))
                .moveToElement(first, 0, -first.getSize().getHeight() / 2 + 4).pause(Duration.ofMillis(200))
                .moveByOffset(0, -2).pause(Duration.ofMillis(200)).release().perform();
        browser.until(d -> titles().equals(List.of("first", "second")));
        assertThat(monacoJson().at("/steps/0/id").asText()).isEqualTo("first");

        // the flow view marks the loop, the condition and the step allowed to fail
        browser.click("tab-flow");
        browser.until(d -> browser.all("flow-step").size() == 2);
        assertThat(browser.all("flow-trigger")).extracting(WebElement::getText).contains("schedule 0 0 6 * * ? (Europe/Berlin)");
        browser.screenshot("editor-flow-marks");
        assertThat(browser.all("flow-step").get(0).getAttribute("class")).contains("conditional");
        WebElement loop = browser.all("flow-step").get(1);
        assertThat(loop.getAttribute("class")).contains("tolerant");
        assertThat(loop.getText()).contains("for each", "continues on error");
        browser.click("tab-builder");

        // the console's dark theme darkens Monaco too
        browser.click("theme-toggle");
        browser.until(d -> "dark".equals(browser.theme())
                && Boolean.TRUE.equals(browser.script("return document.querySelector('.monaco-editor').classList.contains('vs-dark')")));
        browser.screenshot("editor-dark");
        browser.click("theme-toggle");
        browser.until(d -> Boolean.FALSE.equals(browser.script("return document.querySelector('.monaco-editor').classList.contains('vs-dark')")));
    }

    /** Removes the passing notes in the corner, which would cover part of a screenshot. */
    private void hideToasts() {
        browser.script("document.querySelectorAll('.toast').forEach(t => t.remove())");
    }

    /** Clicks a control of the builder once it is scrolled to the middle of its pane (not clipped at an edge). */
    private void press(String hook) {
        WebElement control = browser.waitFor(hook);
        browser.script("arguments[0].scrollIntoView({block: 'center'})", control);
        browser.click(hook);
    }

    /** A fresh editor: through another page, since the same hash again would not reload it. */
    private void openNewJob() {
        browser.go("#/jobs");
        browser.waitFor("new-job");
        browser.go("#/jobs/new");
        browser.waitFor("editor-monaco");
        browser.click("tab-builder"); // the editor opens on the view last chosen
        browser.waitFor("job-id");
    }

    @Test
    void everyKindTheSchemaListsGetsAForm() throws Exception {
        openNewJob();
        // through the builder's own menus, every step and trigger kind once (clicked in the page:
        // twenty-odd kinds by WebDriver clicks would only be slower)
        Object added = browser.script("""
                const pick = (menu, prefix) => [...document.querySelectorAll(`[data-test^="${prefix}"]`)].map((b) => {
                  document.querySelector(`[data-test="${menu}"]`).click();
                  document.querySelector(`[data-test="${b.dataset.test}"]`).click();
                  return b.dataset.test.slice(prefix.length);
                });
                return [pick('builder-add-step', 'step-kind-'), pick('builder-add-trigger', 'trigger-kind-')];
                """);
        @SuppressWarnings("unchecked")
        List<List<String>> kinds = (List<List<String>>) added;
        JsonNode schema = TestNode.expect(node.call("GET", "/api/v1/schema/job.json", null), 200);
        assertThat(kinds.get(0)).hasSize(schema.at("/$defs/step/properties/type/enum").size()).contains("set", "log", "sql", "http");
        assertThat(kinds.get(1)).hasSize(schema.at("/$defs/trigger/properties/type/enum").size()).contains("schedule", "webhook");
        browser.until(d -> browser.all("step-card").size() == kinds.get(0).size() && browser.all("trigger-card").size() == kinds.get(1).size());
        assertThat(browser.driver().findElements(By.cssSelector(".card-body > p.muted"))).as("kinds without a form").isEmpty();
        // each card asks for what its kind requires: a log step its message, a schedule its cron
        int log = kinds.get(0).indexOf("log");
        assertThat(card(log).findElements(By.cssSelector("[data-path='$.steps[" + log + "].message'] .req"))).hasSize(1);
        assertThat(browser.driver().findElements(By.cssSelector("[data-path='$.triggers[0].cron'] .req"))).hasSize(1);
        JsonNode written = monacoJson();
        assertThat(written.path("steps").size()).isEqualTo(kinds.get(0).size());
        assertThat(written.at("/triggers/0/type").asText()).isEqualTo(kinds.get(1).get(0));
    }

    private JsonNode monacoJson() throws Exception {
        return TestNode.JSON.readTree((String) browser.script(
                "return monaco.editor.getModels().find(m => m.uri.toString().includes('caravan/jobs/')).getValue()"));
    }

    private List<String> titles() {
        return browser.all("step-title").stream().map(WebElement::getText).toList();
    }

    private WebElement card(int index) {
        return waitShown("[data-test='step-card'][data-index='" + index + "']");
    }

    private WebElement waitShown(String css) {
        return browser.until(d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    private void waitNone(String css) {
        browser.until(d -> visible(css).isEmpty());
    }

    private List<WebElement> visible(String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).toList();
    }
}
