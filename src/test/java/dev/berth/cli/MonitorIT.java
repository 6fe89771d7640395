package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.berth.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks, health, metrics and alerts end to end: real HTTP servers on 127.0.0.1 that are slow,
 * failing and flapping, a real daemon, a local receiver for the alert webhook, and the
 * Prometheus client library's own parser for /metrics.
 */
class MonitorIT extends BerthIT {
    private HttpServer target;
    private HttpServer receiver;
    /** What the target's /api answers: 200 or 500. */
    private final AtomicInteger apiStatus = new AtomicInteger(200);
    private final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();

    @BeforeEach void servers() throws IOException {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        target.createContext("/ok", ex -> answer(ex, 200, "{\"status\":\"ok\"}"));
        target.createContext("/slow", ex -> {
            sleep(400);
            answer(ex, 200, "slow but fine");
        });
        AtomicInteger flips = new AtomicInteger();
        target.createContext("/flap", ex -> answer(ex, flips.incrementAndGet() % 2 == 0 ? 500 : 200, "flapping"));
        target.createContext("/api", ex -> answer(ex, apiStatus.get(), apiStatus.get() == 200 ? "{\"status\":\"ok\"}" : "{\"status\":\"down\"}"));
        target.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        target.start();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        receiver.createContext("/hook", ex -> {
            received.add(Json.readMap(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            answer(ex, 200, "{}");
        });
        receiver.createContext("/broken", ex -> answer(ex, 500, "robot is down"));
        receiver.start();
    }

    @AfterEach void stopServers() {
        target.stop(0);
        receiver.stop(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (var os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + target.getAddress().getPort() + path;
    }

    private String hook() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private static void await(String what, long seconds, BooleanSupplier done) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (done.getAsBoolean()) return;
            sleep(100);
        }
        throw new AssertionError("not within " + seconds + " s: " + what);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> check(Map<String, Object> report, String name) {
        for (Object o : (List<Object>) report.get("checks")) {
            if (name.equals(((Map<String, Object>) o).get("name"))) return (Map<String, Object>) o;
        }
        throw new AssertionError("no check " + name + " in " + report);
    }

    private HttpResponse<String> daemonGet(String path) throws Exception {
        int port = ((Number) Json.readMap(Files.readString(berth.home.resolve("daemon.json"))).get("port")).intValue();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test void checkRunsEveryCheckNowWithoutADaemonAndExitsWithTheHealth() throws Exception {
        berth.writeConfig("""
                monitor:
                  host: false
                checks:
                  ok:
                    http: %s
                    json_path: $.status
                    json_equals: ok
                  slow:
                    http: %s
                    warning: 200ms
                    critical: 5s
                  closed:
                    tcp: 127.0.0.1:%d
                  script:
                    command: [sh, -c, "echo queue is long; exit 1"]
                  cpu:
                    cpu: true
                    warning: 99.9%%
                    critical: 100%%
                alerts:
                  channels:
                    hook: {webhook: %s}
                """.formatted(url("/ok"), url("/slow"), BerthRun.freePort(), hook()));
        BerthRun.Result ok = berth.run("check", "ok", "cpu");
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("HEALTHY: 2 check(s)"), ok.toString());
        BerthRun.Result slow = berth.run("check", "slow", "script");
        assertEquals(1, slow.exit(), "WARNING exits 1: " + slow);
        assertTrue(slow.out().contains("queue is long"), slow.toString());
        BerthRun.Result all = berth.run("check", "--json");
        assertEquals(2, all.exit(), "UNHEALTHY exits 2: " + all);
        Map<String, Object> report = Json.readMap(all.out());
        assertEquals("UNHEALTHY", report.get("health"));
        assertEquals("CRITICAL", check(report, "closed").get("state"));
        assertTrue(String.valueOf(check(report, "closed").get("message")).toLowerCase().contains("refused"), report.toString());
        assertEquals("WARNING", check(report, "slow").get("state"));
        assertTrue(((Number) check(report, "slow").get("value")).doubleValue() >= 400, "the latency is the value: " + report);
        assertEquals("OK", check(report, "ok").get("state"));
        assertFalse(berth.daemonAlive(), "berth check needs no daemon");

        BerthRun.Result unknown = berth.run("check", "nope");
        assertTrue(unknown.exit() != 0 && unknown.err().contains("no check \"nope\""), unknown.toString());

        // --alert without a daemon sends what is not OK straight away, one message per channel...
        BerthRun.Result alerted = berth.run("check", "closed", "--alert");
        assertEquals(2, alerted.exit(), alerted.toString());
        assertTrue(alerted.out().contains("sent to hook"), alerted.toString());
        assertEquals(1, received.size());
        assertTrue(received.get(0).toString().contains("check closed"), received.toString());
        // ...and keeps to the silences the daemon recorded
        berth.ok("silence", "closed", "1h");
        berth.ok("daemon", "stop");
        BerthRun.Result quiet = berth.run("check", "closed", "--alert");
        assertTrue(quiet.out().contains("silenced"), quiet.toString());
        assertEquals(1, received.size(), "nothing more was sent: " + received);
    }

    @SuppressWarnings("unchecked")
    @Test void theDaemonRunsTheChecksAlertsOnChangesAndRecoveries() throws Exception {
        berth.writeConfig("""
                monitor:
                  host: false
                checks:
                  api:
                    http: %s
                    interval: 1s
                    failures: 2
                  flappy:
                    http: %s
                    interval: 1s
                    failures: 2
                  job:
                    heartbeat: 3s
                    grace: 1s
                    interval: 1s
                alerts:
                  group_wait: 1s
                  resend: 0s
                  server: test-box
                  channels:
                    hook:
                      webhook: %s
                    broken:
                      webhook: %s
                """.formatted(url("/api"), url("/flap"), hook(), hook().replace("/hook", "/broken")));
        berth.ok("daemon", "start");
        BerthRun.Result first = berth.run("check", "api");
        assertEquals(0, first.exit(), first.toString());
        String beat = berth.ok("check", "--heartbeat-url", "job").out().strip();
        assertTrue(beat.matches("http://127\\.0\\.0\\.1:\\d+/heartbeat/job/[A-Za-z0-9_-]{20,}"), beat);
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(beat)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "the heartbeat URL needs no token");
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(beat + "x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "a wrong heartbeat token is refused");

        await("the daemon runs the api check", 15, () -> {
            try {
                return daemonGet("/health").statusCode() == 200 && daemonGet("/health").body().contains("HEALTHY");
            } catch (Exception e) {
                return false;
            }
        });
        // the api breaks: after two bad results in a row the check is CRITICAL and one alert goes out
        apiStatus.set(500);
        await("an alert for the failing api", 20, () -> received.stream().anyMatch(m -> m.toString().contains("check api") && m.toString().contains("CRITICAL")));
        Map<String, Object> alert = received.stream().filter(m -> m.toString().contains("check api")).findFirst().orElseThrow();
        assertEquals("test-box", alert.get("server"));
        Map<String, Object> a0 = (Map<String, Object>) ((List<Object>) alert.get("alerts")).get(0);
        assertEquals("check api", a0.get("subject"));
        assertEquals("CRITICAL", a0.get("state"));
        assertTrue(String.valueOf(a0.get("message")).contains("500"), "the message names what was seen: " + a0);
        HttpResponse<String> health = daemonGet("/health");
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"api\""), health.body());
        assertFalse(health.body().contains("500"), "/health needs no token, so it shows no messages: " + health.body());

        // `berth check --alert` from a cron job does not send again what the daemon already sent
        // (only messages about api count: the heartbeat "job" may go CRITICAL meanwhile, on its own clock)
        java.util.function.LongSupplier aboutApi = () -> received.stream().filter(m -> m.toString().contains("check api")).count();
        long sent = aboutApi.getAsLong();
        BerthRun.Result cron = berth.run("check", "api", "--alert");
        assertEquals(2, cron.exit(), cron.toString());
        assertTrue(cron.out().contains("already alerted by the daemon"), cron.toString());
        sleep(2500);
        assertEquals(sent, aboutApi.getAsLong(), "no duplicate: " + received);

        // /metrics parses with the Prometheus client library's own parser (Debian's python3-prometheus-client;
        // scripts/prerequisites --test installs it): without it, only that part is skipped, saying so, except in CI
        HttpResponse<String> metrics = daemonGet("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"), metrics.headers().toString());
        assertTrue(metrics.body().contains("# TYPE berth_check_state gauge") && metrics.body().contains("check=\"api\""), metrics.body());
        if (new ProcessBuilder("/usr/bin/python3", "-c", "import prometheus_client").start().waitFor() != 0) {
            String missing = "python3-prometheus-client is not installed: the /metrics parse check is skipped";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(missing);
            System.err.println("skipped: " + missing);
        } else {
            Process py = new ProcessBuilder("/usr/bin/python3", "-c", """
                    import sys, json
                    from prometheus_client.parser import text_string_to_metric_families
                    out = {}
                    for f in text_string_to_metric_families(sys.stdin.read()):
                        for s in f.samples:
                            out[s.name + json.dumps(s.labels, sort_keys=True)] = s.value
                    print(json.dumps(out))
                    """).redirectErrorStream(true).start();
            py.getOutputStream().write(metrics.body().getBytes(StandardCharsets.UTF_8));
            py.getOutputStream().close();
            String parsed = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, py.waitFor(), parsed);
            Map<String, Object> samples = Json.readMap(parsed);
            assertEquals(2.0, ((Number) samples.get("berth_check_state{\"check\": \"api\", \"kind\": \"http\"}")).doubleValue(), parsed);
            assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("berth_check_lateness_seconds")), parsed);
        }

        // recovery: one message saying so
        int before = received.size();
        apiStatus.set(200);
        await("a recovery message", 20, () -> received.stream().skip(before).anyMatch(m -> m.toString().contains("check api") && m.toString().contains("state=OK")));
        assertFalse(daemonGet("/health").body().contains("\"api\""), "api is no longer failing");

        // silenced: recorded, not sent
        berth.ok("silence", "api", "1h", "--reason", "maintenance");
        assertTrue(berth.ok("silence", "--list").out().contains("maintenance"));
        int quiet = received.size();
        apiStatus.set(500);
        await("the silenced alert is recorded", 20, () -> berth.ok("alerts", "--json").out().contains("silenced"));
        sleep(1500);
        assertTrue(received.stream().skip(quiet).noneMatch(m -> m.toString().contains("check api")), "a silenced check sends nothing: " + received);

        // the heartbeat not called again past its period and grace: CRITICAL, alerted
        await("a missed heartbeat alert", 20, () -> received.stream().anyMatch(m -> m.toString().contains("check job") && m.toString().contains("CRITICAL")));

        // a channel that fails is recorded as failed, never as sent
        String history = berth.ok("alerts", "--json").out();
        assertTrue(history.contains("broken"), history);
        await("the broken channel's failure is recorded", 60, () -> berth.ok("alerts", "--json").out().contains("HTTP 500"));
        BerthRun.Result table = berth.ok("alerts");
        assertTrue(table.out().contains("check api") && table.out().contains("DELIVERY"), table.toString());

        // a check that fails every other time never counts two failures in a row: no alert, ever
        assertTrue(received.stream().noneMatch(m -> m.toString().contains("check flappy")), "flapping is not an outage: " + received);

        // uptime and state over the API
        Map<String, Object> checks = Json.readMap(berth.ok("monitor", "--count", "1", "--json").out());
        assertTrue(checks.toString().contains("uptime_percent"), checks.toString());
    }

    /** kill -9 of the daemon while an alert waits for its group: the next daemon sends it; the check's state survives (no second alert). */
    @Test void anAlertQueuedWhenTheDaemonDiesIsSentByTheNextOne() throws Exception {
        apiStatus.set(500);
        berth.writeConfig("""
                monitor:
                  host: false
                checks:
                  api:
                    http: %s
                    interval: 1s
                alerts:
                  group_wait: 6s
                  channels:
                    hook: {webhook: %s}
                """.formatted(url("/api"), hook()));
        berth.ok("daemon", "start");
        assertEquals(2, berth.run("check", "api").exit(), "UNHEALTHY");
        await("the alert is queued", 20, () -> berth.ok("alerts", "--json").out().contains("queued"));
        long pid = berth.daemonPid();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        await("the daemon is gone", 10, () -> !berth.daemonAlive());
        assertTrue(received.isEmpty(), "nothing was sent before the kill: " + received);
        berth.ok("daemon", "start");
        await("the queued alert is sent by the new daemon", 30, () -> received.stream().anyMatch(m -> m.toString().contains("check api")));
        sleep(8000);
        assertEquals(1, received.stream().filter(m -> m.toString().contains("check api")).count(),
                "the restored state raises no second alert: " + received);
        assertTrue(berth.ok("alerts", "--json").out().contains("sent (hook)"));
    }

    @Test void alertTestSendsToTheChannelAndSaysWhenItFails() throws Exception {
        berth.writeConfig("""
                checks:
                  api: {http: %s}
                alerts:
                  channels:
                    hook: {webhook: %s}
                    broken: {webhook: %s}
                """.formatted(url("/ok"), hook(), hook().replace("/hook", "/broken")));
        BerthRun.Result ok = berth.run("alert", "test", "hook");
        assertEquals(0, ok.exit(), ok.toString());
        assertEquals(1, received.size());
        assertTrue(received.get(0).toString().contains("test from berth"), received.toString());
        BerthRun.Result bad = berth.run("alert", "test", "broken");
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("500"), bad.toString());
        BerthRun.Result none = berth.run("alert", "test", "nope");
        assertTrue(none.exit() != 0 && none.err().contains("no channel named \"nope\""), none.toString());
    }

    /** A failed backup and a failed deployment reach the channels through the same path as the checks. */
    @Test void failedBackupsAndDeploymentsRaiseAlerts() throws Exception {
        java.nio.file.Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("app.py"), "import time\nwhile True: time.sleep(1)\n");
        berth.writeConfig("""
                apps:
                  web:
                    run: python3 app.py
                    deploy:
                      path: %s
                      dir: %s
                      build: "echo the build broke >&2; exit 7"
                backups:
                  lost:
                    sqlite: %s
                    to: %s
                alerts:
                  group_wait: 1s
                  channels:
                    hook: {webhook: %s}
                """.formatted(tmp.resolve("srv/web"), src, tmp.resolve("no-such.db"), tmp.resolve("backups"), hook()));
        berth.ok("daemon", "start");
        assertEquals(1, berth.run("backup", "run", "lost").exit());
        await("a failed-backup alert", 30, () -> received.stream().anyMatch(m -> m.toString().contains("backup lost")
                && m.toString().contains("backup failed")));
        assertEquals(1, berth.run("deploy", "web").exit());
        await("a failed-deployment alert", 30, () -> received.stream().anyMatch(m -> m.toString().contains("deploy web")
                && m.toString().contains("failed at build")));
    }

    @SuppressWarnings("unchecked")
    @Test void aCrashLoopRaisesAnAlertThroughTheSamePath() throws Exception {
        berth.writeConfig("""
                apps:
                  crashy:
                    run: sh -c 'exit 3'
                    max_restarts: 2
                    min_uptime: 5s
                    restart_delay: 100ms
                monitor:
                  interval: 1s
                  host: false
                alerts:
                  group_wait: 1s
                  channels:
                    hook: {webhook: %s}
                """.formatted(hook()));
        berth.run("start");
        await("a crash-loop alert", 30, () -> received.stream().anyMatch(m -> m.toString().contains("app crashy") && m.toString().contains("errored")));
        // its app:crashy check turns CRITICAL too (checked every second here), but that is the same incident: no second alert
        await("the app check sees it", 15, () -> {
            Map<String, Object> view = Json.readMap(berth.ok("monitor", "--count", "1", "--json").out());
            try {
                return "CRITICAL".equals(check((Map<String, Object>) view.get("checks"), "app:crashy").get("state"));
            } catch (AssertionError notYet) { // the daemon has not read the file yet
                return false;
            }
        });
        sleep(2000);
        assertTrue(received.stream().noneMatch(m -> m.toString().contains("check app:crashy")), "one incident, one alert: " + received);
    }
}
