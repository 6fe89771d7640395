package dev.berth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpServer;
import dev.berth.config.DeploySpec;
import dev.berth.http.TestReplies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The health path's verdicts as a deploy words them, against a real server. */
class HealthGateTest {
    private static HttpServer server;
    private static final AtomicInteger calls = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        server = TestReplies.loopbackServer(10);
        server.createContext("/health", ex -> TestReplies.reply(ex, 200, "ok"));
        server.createContext("/sick", ex -> TestReplies.reply(ex, 503, "down"));
        server.createContext("/flaky", ex -> TestReplies.reply(ex, calls.getAndIncrement() == 0 ? 500 : 200, "?"));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static int port() {
        return server.getAddress().getPort();
    }

    @Test
    void a200IsNoProblemAndAnythingElseIsWhatItAnswered() {
        assertNull(HealthGate.httpProblem(port(), "/health"));
        assertEquals("answered 503", HealthGate.httpProblem(port(), "/sick"));
        assertEquals("answered 404", HealthGate.httpProblem(port(), "/nowhere"));
    }

    @Test
    void aClosedPortIsNoAnswer() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertEquals("no answer (connection refused)", HealthGate.httpProblem(closed, "/health"));
    }

    @Test
    void aPreflightGetsOneRetryAndNamesThePathWhenBothFail() {
        calls.set(0);
        assertNull(HealthGate.preflightProblem(deploy("/flaky"), port()), "one failure followed by a 200 passes");
        assertEquals("GET /sick answered 503", HealthGate.preflightProblem(deploy("/sick"), port()));
        assertNull(HealthGate.preflightProblem(deploy(null), port()), "no health path: nothing to check");
    }

    private static DeploySpec deploy(String health) {
        return DeployFixtures.deploy(health, true);
    }
}
