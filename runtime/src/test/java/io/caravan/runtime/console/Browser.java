package io.caravan.runtime.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium for the console's end-to-end tests: Debian's {@code chromium} driven
 * through its {@code chromedriver} (nothing downloads a browser), a fresh profile, a 1280x800
 * window. Elements are found by their {@code data-test} hooks; screenshots go to
 * {@code target/console-screenshots/<name>.png}; the browser console's SEVERE entries (failed
 * loads, uncaught errors, Content-Security-Policy violations) are collected so that a test can
 * assert there were none.
 * <p>
 * Without the browser the test is skipped with a notice on stdout, never silently.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("caravan.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("caravan.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;
    private final Path downloads;
    private final String base;
    private final List<String> severe = new ArrayList<>();

    private Browser(ChromeDriver driver, ChromeDriverService service, Path profile, String base) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
        this.downloads = profile.resolve("downloads");
        this.base = base;
    }

    /** Skips the calling test, with a notice, unless Chromium and its driver are installed. */
    public static void assumeInstalled() {
        boolean there = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!there) {
            String notice = "NOTICE: the console's browser tests are SKIPPED: " + CHROMIUM + " and " + CHROMEDRIVER
                    + " are needed (Debian packages chromium and chromium-driver)";
            System.out.println(notice);
        }
        Assumptions.assumeTrue(there, "chromium and chromedriver are not installed");
    }

    /** A browser on the console at {@code base} (e.g. http://127.0.0.1:8080), not yet signed in. */
    public static Browser open(String base) throws IOException {
        assumeInstalled();
        Path profile = Files.createTempDirectory("caravan-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,800", "--user-data-dir=" + profile);
        options.setExperimentalOption("prefs", java.util.Map.of("download.default_directory", profile.resolve("downloads").toString(),
                "download.prompt_for_download", false));
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().withSilent(true).build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(WAIT);
            viewport(driver, 1280, 800);
            return new Browser(driver, service, profile, base.replaceAll("/$", ""));
        } catch (RuntimeException e) {
            service.stop();
            delete(profile);
            throw e;
        }
    }

    /** Sizes the window so that the page itself gets width x height (the window's frame is on top). */
    private static void viewport(ChromeDriver driver, int width, int height) {
        driver.get("about:blank");
        @SuppressWarnings("unchecked")
        List<Number> inner = (List<Number>) driver.executeScript("return [window.innerWidth, window.innerHeight]");
        org.openqa.selenium.Dimension outer = driver.manage().window().getSize();
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(width + outer.getWidth() - inner.get(0).intValue(),
                height + outer.getHeight() - inner.get(1).intValue()));
    }

    /** Where what the page downloads is saved. */
    public Path downloads() {
        return downloads;
    }

    /** The driver, for what these helpers do not cover. */
    public ChromeDriver driver() {
        return driver;
    }

    /** Loads the console at a hash route, e.g. {@code go("#/jobs")}. */
    public Browser go(String hash) {
        String url = base + "/" + (hash.startsWith("#") ? hash : "#" + hash);
        if (driver.getCurrentUrl() != null && driver.getCurrentUrl().startsWith(base + "/")) {
            ((JavascriptExecutor) driver).executeScript("location.hash = arguments[0]", hash.startsWith("#") ? hash : "#" + hash);
        } else {
            driver.get(url);
        }
        return this;
    }

    /** Opens the console and signs in with the token; waits for the navigation to show. */
    public Browser login(String token) {
        driver.get(base + "/");
        type("login-token", token);
        click("login-submit");
        waitFor("nav-jobs");
        return this;
    }

    /** The CSS selector of a data-test hook. */
    public static By test(String hook) {
        return By.cssSelector("[data-test='" + hook + "']");
    }

    /** Waits until an element with this hook is visible, and returns it. */
    public WebElement waitFor(String hook) {
        return await("[data-test=" + hook + "] to show", ExpectedConditions.visibilityOfElementLocated(test(hook)));
    }

    /** Waits until an element with this hook shows this text (a part of it). */
    public WebElement waitForText(String hook, String text) {
        await("[data-test=" + hook + "] to show '" + text + "'", ExpectedConditions.textToBePresentInElementLocated(test(hook), text));
        return driver.findElement(test(hook));
    }

    /** Waits until no element with this hook is visible. */
    public void waitGone(String hook) {
        await("[data-test=" + hook + "] to go", ExpectedConditions.invisibilityOfElementLocated(test(hook)));
    }

    /** Every element with this hook, now. */
    public List<WebElement> all(String hook) {
        return driver.findElements(test(hook));
    }

    /** Waits for the element and clicks it. */
    public Browser click(String hook) {
        await("[data-test=" + hook + "] to be clickable", ExpectedConditions.elementToBeClickable(test(hook))).click();
        return this;
    }

    /** Replaces the text of an input. */
    public Browser type(String hook, String text) {
        WebElement input = waitFor(hook);
        // as a user would: clear() alone fires no input event, and pages react to those
        input.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), org.openqa.selenium.Keys.BACK_SPACE);
        input.sendKeys(text);
        return this;
    }

    /** Waits for a condition of the test's own. */
    public <T> T until(java.util.function.Function<ChromeDriver, T> condition) {
        return await("the test's condition", d -> condition.apply(driver));
    }

    /**
     * Waits for a condition; when it does not come, the failure says what the page showed and
     * what the browser logged, and a screenshot {@code failed-<n>} is saved.
     */
    private <T> T await(String what, java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
        try {
            // a page that redraws replaces the elements a condition was looking at: look again
            return new WebDriverWait(driver, WAIT, Duration.ofMillis(100))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            String shot;
            try {
                shot = screenshot("failed-" + System.currentTimeMillis()).toString();
            } catch (IOException | RuntimeException io) {
                shot = "none (" + io.getMessage() + ")";
            }
            String text = String.valueOf(script("return document.body ? document.body.innerText : ''"));
            throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + " at " + driver.getCurrentUrl()
                    + "\npage text: " + text.substring(0, Math.min(1500, text.length()))
                    + "\nbrowser console (SEVERE): " + severe() + "\nscreenshot: " + shot, e);
        }
    }

    /** Saves what the window shows as target/console-screenshots/{name}.png. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path to = SCREENSHOTS.resolve(name + ".png");
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        return to;
    }

    /**
     * The SEVERE entries of the browser's console since the browser opened (failed loads,
     * uncaught errors, CSP violations); except those containing one of {@code expected}.
     */
    public List<String> severe(String... expected) {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                severe.add(entry.getMessage());
            }
        }
        return severe.stream().filter(m -> Arrays.stream(expected).noneMatch(m::contains)).toList();
    }

    /** Forgets the SEVERE entries so far (after a step that logs some on purpose, e.g. a refused token). */
    public void clearSevere() {
        severe(); // reads what is pending
        severe.clear();
    }

    /** Runs a script in the page and returns its result. */
    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** What the page's JavaScript sees as the theme ({@code data-theme} of the root element). */
    public String theme() {
        return String.valueOf(script("return document.documentElement.dataset.theme"));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a profile left in the temporary directory is harmless
        }
    }
}
