package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.berth.http.TestReplies;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real HTTP(S) servers on 127.0.0.1, each path behaving like a kind of backend. */
class HttpProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String JSON = """
            {"status": "up", "count": 3, "data": {"items": [{"ok": true}, {"ok": false}]}}""";

    private static HttpServer server;
    private static final AtomicInteger flaps = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        server = TestReplies.loopbackServer(2000);
        server.createContext("/ok", ex -> TestReplies.reply(ex, 200, "all good here"));
        server.createContext("/fail", ex -> TestReplies.reply(ex, 500, "boom"));
        server.createContext("/slow", ex -> {
            TestReplies.sleep(400);
            TestReplies.reply(ex, 200, "finally");
        });
        server.createContext("/hang", ex -> {
            TestReplies.sleep(4000);
            TestReplies.reply(ex, 200, "too late");
        });
        server.createContext("/flap", ex -> TestReplies.reply(ex, flaps.getAndIncrement() % 2 == 0 ? 200 : 500, "flap"));
        server.createContext("/json", ex -> TestReplies.reply(ex, 200, JSON));
        server.createContext("/big", ex -> {
            String tail = ex.getRequestURI().getQuery(); // the marker goes at the end of a 1 MiB body
            TestReplies.reply(ex, 200, "head-marker " + "x".repeat(1024 * 1024) + " " + tail);
        });
        server.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", "/ok");
            TestReplies.reply(ex, 302, "");
        });
        server.createContext("/echo", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean right = ex.getRequestMethod().equals("POST") && "s3cret".equals(ex.getRequestHeaders().getFirst("X-Token"));
            TestReplies.reply(ex, right ? 201 : 400, "got " + body);
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static HttpProbe probe(String path, String bodyContains, String jsonPath, String jsonEquals, Thresholds latency) {
        return new HttpProbe("GET", url(path), null, null, null, bodyContains, jsonPath, jsonEquals, latency, true);
    }

    @Test
    void aHealthyEndpointIsOkAndReportsItsLatency() {
        ProbeResult r = HttpProbe.get(url("/ok")).run(TIMEOUT);
        assertEquals(CheckState.OK, r.state(), r.message());
        assertEquals("ms", r.unit());
        assertNotNull(r.value());
        assertTrue(r.message().startsWith("status 200, latency "), r.message());
        assertTrue(r.message().endsWith("< 3000 ms (ok)"), r.message());
    }

    @Test
    void aServerErrorIsCritical() {
        ProbeResult r = HttpProbe.get(url("/fail")).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state());
        assertTrue(r.message().startsWith("status 500, expected 200 (critical)"), r.message());
    }

    @Test
    void aSlowAnswerCrossesTheLatencyLimits() {
        ProbeResult warning = probe("/slow", null, null, null, Thresholds.above(200.0, 10_000.0)).run(TIMEOUT);
        assertEquals(CheckState.WARNING, warning.state(), warning.message());
        assertTrue(warning.value() >= 400, "the server sleeps 400 ms: " + warning.value());
        assertTrue(warning.message().matches("status 200, latency \\d+ ms > 200 ms \\(warning\\)"), warning.message());

        ProbeResult critical = probe("/slow", null, null, null, Thresholds.above(100.0, 300.0)).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, critical.state(), critical.message());
        assertTrue(critical.message().endsWith("> 300 ms (critical)"), critical.message());
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsCriticalAtTheTimeout() {
        ProbeResult r = HttpProbe.get(url("/hang")).run(Duration.ofMillis(300));
        assertEquals(CheckState.CRITICAL, r.state());
        assertTrue(r.message().contains("timed out"), r.message());
        assertTrue(r.latencyMillis() < 2000, "gave up at the timeout, not when the server answered: " + r.latencyMillis());
    }

    @Test
    void aFlappingServerAlternates() {
        HttpProbe probe = HttpProbe.get(url("/flap"));
        flaps.set(0);
        List<CheckState> states = new ArrayList<>();
        for (int i = 0; i < 4; i++) states.add(probe.run(TIMEOUT).state());
        assertEquals(List.of(CheckState.OK, CheckState.CRITICAL, CheckState.OK, CheckState.CRITICAL), states);
    }

    @Test
    void aClosedPortIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeResult r = HttpProbe.get(URI.create("http://127.0.0.1:" + port + "/health")).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state());
        assertNull(r.value());
        assertTrue(r.message().contains("connection refused"), r.message());
    }

    @Test
    void anUnknownHostIsCritical() {
        ProbeResult r = HttpProbe.get(URI.create("http://no-such-host.invalid/health")).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state());
        assertTrue(r.message().contains("cannot resolve host"), r.message());
    }

    @Test
    void theBodyMustContainTheText() {
        assertEquals(CheckState.OK, probe("/ok", "good", null, null, null).run(TIMEOUT).state());
        ProbeResult r = probe("/ok", "database", null, null, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state());
        assertTrue(r.message().startsWith("the body does not contain \"database\" (critical)"), r.message());
    }

    @Test
    void onlyTheFirst64KiBOfTheBodyAreRead() {
        assertEquals(CheckState.OK, probe("/big?end-marker", "head-marker", null, null, null).run(TIMEOUT).state());
        ProbeResult r = probe("/big?end-marker", "end-marker", null, null, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state(), "the marker is past 64 KiB: " + r.message());
        assertTrue(r.message().startsWith("the first 64 KiB of the body does not contain"), r.message());
    }

    @Test
    void aJsonFieldMustHaveTheExpectedValue() {
        ProbeResult up = probe("/json", null, "$.status", "up", null).run(TIMEOUT);
        assertEquals(CheckState.OK, up.state(), up.message());
        assertTrue(up.message().startsWith("status 200, $.status is \"up\", latency"), up.message());
        assertEquals(CheckState.OK, probe("/json", null, "count", "3", null).run(TIMEOUT).state());
        assertEquals(CheckState.OK, probe("/json", null, "data.items[0].ok", null, null).run(TIMEOUT).state());

        ProbeResult down = probe("/json", null, "$.status", "\"down\"", null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, down.state());
        assertEquals("$.status is \"up\", expected \"down\" (critical); status 200", down.message());

        ProbeResult falsy = probe("/json", null, "data.items[1].ok", null, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, falsy.state());
        assertTrue(falsy.message().startsWith("data.items[1].ok is false, expected a value that is not null or false"),
                falsy.message());

        ProbeResult missing = probe("/json", null, "$.version", null, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, missing.state());
        assertTrue(missing.message().startsWith("$.version is missing"), missing.message());

        ProbeResult notJson = probe("/ok", null, "$.status", "up", null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, notJson.state());
        assertTrue(notJson.message().startsWith("the body is not JSON"), notJson.message());
    }

    @Test
    void redirectsAreFollowed() {
        ProbeResult r = probe("/redirect", "all good", null, null, null).run(TIMEOUT);
        assertEquals(CheckState.OK, r.state(), r.message());
    }

    @Test
    void methodHeadersBodyAndExpectedStatusAreSent() {
        HttpProbe post = new HttpProbe("post", url("/echo"), Map.of("X-Token", "s3cret"), "ping", Set.of(201),
                "got ping", null, null, null, true);
        ProbeResult r = post.run(TIMEOUT);
        assertEquals(CheckState.OK, r.state(), r.message());

        HttpProbe wrongToken = new HttpProbe("POST", url("/echo"), Map.of("X-Token", "nope"), "ping",
                HttpProbe.statusRange(200, 299), null, null, null, null, true);
        ProbeResult refused = wrongToken.run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, refused.state());
        assertTrue(refused.message().startsWith("status 400, expected [200, 201, "), refused.message());
    }

    @Test
    void aRequestTheClientRefusesIsCriticalNotAnException() {
        HttpProbe restricted = new HttpProbe("GET", url("/ok"), Map.of("Host", "example.com"), null, null,
                null, null, null, null, true);
        ProbeResult r = restricted.run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state());
        assertTrue(r.message().startsWith("invalid request: "), r.message());
        ProbeResult ftp = HttpProbe.get(URI.create("ftp://127.0.0.1/")).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, ftp.state());
    }

    @Test
    void tlsVerifyRefusesASelfSignedServerAndOffAcceptsIt(@TempDir Path tmp) throws Exception {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        https.setHttpsConfigurator(new HttpsConfigurator(
                TestCertificates.serverContext(TestCertificates.selfSigned(tmp, "https", null, 30))));
        https.createContext("/ok", ex -> TestReplies.reply(ex, 200, "secure"));
        https.start();
        try {
            URI url = URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/ok");
            ProbeResult verified = HttpProbe.get(url).run(TIMEOUT);
            assertEquals(CheckState.CRITICAL, verified.state());
            assertTrue(verified.message().contains("PKIX") || verified.message().contains("certification path"),
                    verified.message());

            HttpProbe unverified = new HttpProbe("GET", url, null, null, null, "secure", null, null, null, false);
            ProbeResult r = unverified.run(TIMEOUT);
            assertEquals(CheckState.OK, r.state(), r.message());
        } finally {
            https.stop(0);
        }
    }

    /**
     * The daemon's load: 1,000 HTTP checks in flight at once on the shared client. They must all
     * complete without a platform thread each (responses complete on virtual threads; the client
     * has one selector thread). The platform thread count is the JVM's own; no timing is asserted.
     */
    @Test
    void aThousandChecksInFlightDoNotTakeAThreadEach() {
        HttpProbe probe = probe("/json", null, "$.status", "up", null);
        probe.run(TIMEOUT); // the shared client and the server's dispatcher exist before counting
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        threads.resetPeakThreadCount();

        List<CompletableFuture<ProbeResult>> inFlight = new ArrayList<>();
        for (int i = 0; i < 1000; i++) inFlight.add(probe.runAsync(Duration.ofSeconds(20)));
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();

        long ok = inFlight.stream().map(CompletableFuture::join).filter(r -> r.state() == CheckState.OK).count();
        assertEquals(1000, ok, "every check answered: " + inFlight.stream().map(CompletableFuture::join)
                .filter(r -> r.state() != CheckState.OK).findFirst().map(ProbeResult::message).orElse(""));
        int peak = threads.getPeakThreadCount();
        // virtual threads are not counted here; carriers are at most one per core, plus the JDK's own few
        assertTrue(peak - before < 50, "platform threads went from " + before + " to a peak of " + peak);
        assertFalse(peak >= 1000);
    }
}
