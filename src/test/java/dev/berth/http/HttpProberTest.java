package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The one HTTP probe against a real server on 127.0.0.1. */
class HttpProberTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static HttpServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestReplies.loopbackServer(50);
        server.createContext("/ok", ex -> TestReplies.reply(ex, 200, "fine"));
        server.createContext("/teapot", ex -> TestReplies.reply(ex, 418, "short and stout"));
        server.createContext("/hang", ex -> {
            TestReplies.sleep(3000);
            TestReplies.reply(ex, 200, "too late");
        });
        server.createContext("/big", ex -> TestReplies.reply(ex, 200, "0123456789".repeat(10_000)));
        server.createContext("/redirect", ex -> TestReplies.redirect(ex, "/ok"));
        server.start();
    }

    private static URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void theStatusAndTheStartOfTheBodyComeBack() {
        HttpProbeAnswer ok = HttpProber.send(HttpProbeRequest.get(url("/ok"), TIMEOUT).withBodyLimit(100));
        assertEquals(HttpProbeAnswer.Outcome.ANSWERED, ok.outcome(), ok.toString());
        assertEquals(200, ok.status());
        assertEquals("fine", ok.body());
        assertFalse(ok.truncated());
        assertTrue(ok.answeredWith(200));

        HttpProbeAnswer teapot = HttpProber.send(HttpProbeRequest.get(url("/teapot"), TIMEOUT));
        assertEquals(418, teapot.status());
        assertFalse(teapot.answeredWith(200));
        assertEquals("", teapot.body(), "a body limit of 0 reads none of it");
    }

    @Test
    void theBodyIsReadOnlyUpToTheLimit() {
        HttpProbeAnswer a = HttpProber.send(HttpProbeRequest.get(url("/big"), TIMEOUT).withBodyLimit(25));
        assertEquals(200, a.status());
        assertEquals("0123456789012345678901234", a.body());
        assertTrue(a.truncated());
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsAnAnswerAtTheTimeout() {
        long t0 = System.nanoTime();
        HttpProbeAnswer a = HttpProber.send(HttpProbeRequest.get(url("/hang"), Duration.ofMillis(300)));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(a.answered());
        assertTrue(a.problem().contains("timed out"), a.toString());
        assertTrue(millis < 2000, "gave up at the timeout, not when the server answered: " + millis);
    }

    @Test
    void aClosedPortIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HttpProbeAnswer a = HttpProber.send(HttpProbeRequest.get(URI.create("http://127.0.0.1:" + port + "/"), TIMEOUT));
        assertEquals(HttpProbeAnswer.Outcome.FAILED, a.outcome());
        assertEquals("connection refused", a.problem());
        assertEquals(0, a.status());
    }

    @Test
    void redirectsAreFollowedUnlessTheRequestSaysNot() {
        assertEquals(200, HttpProber.send(HttpProbeRequest.get(url("/redirect"), TIMEOUT)).status());
        assertEquals(302, HttpProber.send(HttpProbeRequest.get(url("/redirect"), TIMEOUT).withoutRedirects()).status());
    }

    @Test
    void aRequestTheClientRefusesIsAnAnswerNotAnException() {
        HttpProbeRequest restricted = new HttpProbeRequest("GET", url("/ok"), Map.of("Host", "example.com"), null,
                TIMEOUT, true, true, 0);
        HttpProbeAnswer a = HttpProber.send(restricted);
        assertEquals(HttpProbeAnswer.Outcome.INVALID_REQUEST, a.outcome());
        assertTrue(a.problem().contains("Host"), a.problem());
        assertEquals(HttpProbeAnswer.Outcome.INVALID_REQUEST,
                HttpProber.send(HttpProbeRequest.get(URI.create("ftp://127.0.0.1/"), TIMEOUT)).outcome());
    }
}
