package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's chromium, driven through chromium-driver) against a real
 * daemon with a real app, deployment and backup. Screenshots of each view, at desktop and phone
 * width, go to target/screenshots/ for a person to look at.
 */
class DashboardIT extends BerthIT {
    static final Path SHOTS = BerthRun.ROOT.resolve("target/screenshots");
    WebDriver browser;
    String base;

    static void needsChromium() {
        boolean there = Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver"));
        String missing = "chromium and chromium-driver are not installed (Debian packages chromium, chromium-driver; scripts/prerequisites --test installs them)";
        if (!there && "true".equals(System.getenv("CI"))) throw new AssertionError(missing);
        assumeTrue(there, missing);
    }

    static WebDriver chromium() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--window-size=1280,900");
        o.setCapability("goog:loggingPrefs", Map.of("browser", "ALL")); // the page's errors, read by noScriptErrors()
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    @BeforeEach void setUp() throws Exception {
        needsChromium();
        Files.createDirectories(SHOTS);
    }

    @AfterEach void quit() {
        if (browser != null) browser.quit();
    }

    /** The page threw nothing: an exception in a view leaves it half drawn without failing any wait. */
    private void noScriptErrors() {
        List<String> errors = browser.manage().logs().get("browser").getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(e -> e.getMessage()).filter(m -> !m.contains("favicon") && !m.contains("the server responded with a status of 4")).toList();
        assertEquals(List.of(), errors, "script errors in the page");
    }

    private WebElement await(By what) {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.visibilityOfElementLocated(what));
    }

    private void awaitText(By what, String text) {
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.textToBePresentInElementLocated(what, text));
    }

    private void shot(String name) throws Exception {
        for (var size : List.of(Map.entry("desktop", new Dimension(1280, 900)), Map.entry("phone", new Dimension(390, 844)))) {
            browser.manage().window().setSize(size.getValue());
            Thread.sleep(300);
            Files.write(SHOTS.resolve(name + "-" + size.getKey() + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    private String loginLink() {
        Map<String, Object> link = Json.readMap(berth.ok("dashboard", "--json").out());
        String url = (String) link.get("url");
        base = url.substring(0, url.indexOf("/#"));
        return url;
    }

    private void confirmDialog() {
        await(By.id("confirm-ok")).click();
    }

    @Test void anOperatorSeesAndDrivesARealApp() throws Exception {
        int port = BerthRun.freePort();
        TestRepo repo = new TestRepo(tmp.resolve("repo"));
        repo.commit("v1");
        Files.createDirectories(tmp.resolve("data"));
        Files.writeString(tmp.resolve("data/orders.txt"), "order 1\n");
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    env: { SECRET_TOKEN: "planted-secret-value-42" }
                  site:
                    run: python3 release_app.py
                    ready: { http: /health, timeout: 5s }
                    deploy: { path: %s, git: %s, branch: main, settle: 1s, health: /health }
                    port: %d
                backups:
                  files: { dir: %s, to: %s }
                """.formatted(port, tmp.resolve("srv/site"), repo.dir, BerthRun.freePort(), tmp.resolve("data"), tmp.resolve("backups")));
        berth.ok("start", "web");
        berth.ok("deploy", "site");
        browser = chromium();
        browser.get(loginLink());

        // the link logged in and left the address bar
        await(By.cssSelector("tr[data-app='web']"));
        assertFalse(browser.getCurrentUrl().contains("token="), browser.getCurrentUrl());
        assertFalse(browser.getPageSource().contains("planted-secret-value-42"), "no env value in a page");
        shot("overview");

        // the app: its chart, then restart with the button and see the new pid
        browser.findElement(By.cssSelector("tr[data-app='web'] a")).click();
        WebElement pidCell = await(By.cssSelector("tr[data-instance='0'] td[data-pid]"));
        String pid = pidCell.getAttribute("data-pid");
        await(By.cssSelector("svg.chart"));
        assertTrue(browser.getPageSource().contains("SECRET_TOKEN"), "env keys are shown");
        assertFalse(browser.getPageSource().contains("planted-secret-value-42"), "env values are not");
        // logs as lines arrive: each request is a line on the app's stderr
        new Select(browser.findElement(By.cssSelector("div.actions select:nth-of-type(2)"))).selectByValue("err");
        for (int i = 0; i < 3; i++) BerthRun.httpGet(port, "/?line-" + i);
        BerthRun.httpGet(port, "/marker-for-the-log-test");
        awaitText(By.cssSelector("pre[data-log='web']"), "marker-for-the-log-test");
        // its chart from the metrics history: a line once two 10 s points are in
        new WebDriverWait(browser, Duration.ofSeconds(75)).until(d -> !d.findElements(By.cssSelector("svg.chart path.line")).isEmpty());
        shot("app");
        browser.findElement(By.cssSelector("button[data-action='restart']")).click();
        confirmDialog();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
            String now = d.findElement(By.cssSelector("tr[data-instance='0'] td[data-pid]")).getAttribute("data-pid");
            return now != null && !now.equals(pid) && !now.equals("null");
        });
        awaitText(By.cssSelector("div.outcome"), "web");

        // a real deployment's step log
        browser.get(base + "/#/deploys");
        await(By.cssSelector("tr[data-deployment]")).click();
        await(By.cssSelector("tr[data-step] button")).click();
        assertFalse(await(By.cssSelector("pre[data-step-log]")).getText().isBlank(), "the step's log has text");
        shot("deployment");

        // run a backup with the button and see it in the catalog
        browser.get(base + "/#/backups");
        await(By.cssSelector("button[data-action='run']")).click();
        confirmDialog();
        await(By.cssSelector("tr[data-backup]"));
        shot("backups");

        browser.get(base + "/#/checks");
        await(By.cssSelector("tr[data-check]"));
        shot("checks");
        browser.get(base + "/#/alerts");
        await(By.tagName("h1"));
        shot("alerts");

        // Chinese, remembered
        new Select(browser.findElement(By.id("lang"))).selectByValue("zh-CN");
        awaitText(By.cssSelector("a[data-nav='overview']"), "总览");
        browser.navigate().refresh();
        awaitText(By.cssSelector("a[data-nav='overview']"), "总览");
        shot("alerts-zh");
        // the overview again, now with a minute of history in its sparklines (the README's picture)
        new Select(browser.findElement(By.id("lang"))).selectByValue("en");
        browser.get(base + "/#/");
        // sparklines are minute points (1 h in 60): two of them once the second minute is rolled up, 20 s after it ends
        new WebDriverWait(browser, Duration.ofSeconds(150)).until(d -> !d.findElements(By.cssSelector("tr[data-app='web'] svg.spark path.line")).isEmpty());
        shot("overview-later");
        noScriptErrors();
    }

    @Test void viewersCannotActAndLoginsAreGuarded() throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  web: { script: $TESTAPPS/http_app.py, port: %d }
                """.formatted(port));
        berth.ok("start");
        runWithStdin("correct horse battery staple\n", "user", "add", "vera", "--role", "viewer", "--password-stdin");
        loginLink();
        browser = chromium();
        browser.get(base + "/");
        await(By.id("login-user")).sendKeys("vera");
        browser.findElement(By.id("login-password")).sendKeys("correct horse battery staple");
        browser.findElement(By.id("login-submit")).click();
        await(By.cssSelector("tr[data-app='web'] a")).click();
        assertTrue(!await(By.cssSelector("button[data-action='restart']")).isEnabled(), "a viewer's buttons are off");
        // and the API refuses a viewer's POST even when the page is bypassed
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/v1/session').then(r => r.json()).then(s => fetch('/api/v1/restart', {method: 'POST',
                  headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf}, body: JSON.stringify({apps: ['web']})}))
                  .then(r => done(r.status));""");
        assertEquals(403L, status);
        // CSRF: a POST with the session cookie but without its token is refused
        Object noCsrf = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/v1/session/logout', {method: 'POST'}).then(r => done(r.status));""");
        assertEquals(403L, noCsrf);

        // a wrong password is refused, and after a few the address is held off
        HttpClient http = HttpClient.newHttpClient();
        int last = 0;
        for (int i = 0; i < 7; i++) last = login(http, "vera", "wrong password " + i).statusCode();
        assertEquals(429, last, "rate-limited");
        assertEquals(429, login(http, "vera", "correct horse battery staple").statusCode(), "held off even with the right one");

        // no session, no answer; and the asset routes give nothing away
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/apps")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, none.statusCode());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertNotEquals(-1, page.body().indexOf("/assets/app.js"));
    }

    private HttpResponse<String> login(HttpClient http, String user, String password) throws Exception {
        String body = Json.write(Map.of("user", user, "password", password));
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void runWithStdin(String input, String... args) throws Exception {
        Path in = tmp.resolve("stdin.txt");
        Files.writeString(in, input);
        BerthRun.Result r = berth.runWithInput(in, args);
        if (r.exit() != 0) throw new AssertionError("berth " + String.join(" ", args) + " failed: " + r);
    }
}
