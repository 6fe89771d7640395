package dev.berth.cli;

import static dev.berth.cli.BerthRun.await;
import static dev.berth.cli.BerthRun.httpGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** `berth start` returns when the app is ready, not when its process exists; and says so when it never is. */
class ReadinessIT extends BerthIT {
    private void startReturnsOnlyOnceReady(String ready) throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    env: { READY_DELAY: "2" }
                    min_uptime: 200ms
                    ready: %s
                """.formatted(port, ready));
        long t0 = System.nanoTime();
        BerthRun.Result start = berth.run("start");
        String answer = httpGet(port, "/"); // right after the command returns, before anything else
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, start.exit(), start.toString());
        assertNotNull(answer, "start returned before the app answered HTTP");
        assertTrue(answer.contains("hello from"), answer);
        assertTrue(tookMs >= 2000, "start returned after " + tookMs + "ms, before the 2s ready delay");
        assertEquals("running", berth.state("web", 0));
    }

    @Test void startWaitsForAPortThatOpensLate() throws Exception {
        startReturnsOnlyOnceReady("{ port: true, timeout: 10s }");
    }

    @Test void startWaitsForALogLine() throws Exception {
        startReturnsOnlyOnceReady("{ log: \"listening on\", timeout: 10s }");
    }

    @Test void startWaitsForAnHttpCheck() throws Exception {
        startReturnsOnlyOnceReady("{ http: /health, timeout: 10s }");
    }

    @Test void anAppThatIsNeverReadyFailsTheStart() throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  stuck:
                    script: $TESTAPPS/never_ready.py
                    port: %d
                    max_restarts: 2
                    ready: { port: true, timeout: 1s }
                """.formatted(port));
        long t0 = System.nanoTime();
        BerthRun.Result start = berth.run("start");
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, start.exit(), start.toString());
        assertTrue(start.err().contains("not ready within 1s"), start.toString());
        assertTrue(tookMs < 15_000, "start took " + tookMs + "ms");
    }

    /** Killed for not being ready before min_uptime is an unstable exit: max_restarts ends the loop. */
    @Test void anAppThatIsNeverReadyEndsErroredAfterMaxRestarts() throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  stuck:
                    script: $TESTAPPS/never_ready.py
                    port: %d
                    max_restarts: 2
                    min_uptime: 5s
                    restart_delay: 50ms
                    ready: { port: true, timeout: 1s }
                """.formatted(port));
        BerthRun.Result start = berth.run("start");
        assertEquals(1, start.exit(), start.toString());
        await("errored", Duration.ofSeconds(15), () -> "errored".equals(berth.state("stuck", 0)));
        String reason = berth.reason("stuck", 0);
        assertNotNull(reason);
        assertTrue(reason.contains("not ready within 1s") || reason.contains("2 times in a row"), reason);
    }

    /**
     * A process killed because it never became ready is a failed start ("the restart policy decides"),
     * however long the ready timeout was: it must count towards max_restarts, or an app that can never
     * be ready is restarted forever, every restart_delay, without backoff.
     */
    @Test void aNeverReadyAppEndsErroredEvenWhenItsReadyTimeoutIsLongerThanMinUptime() throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  stuck:
                    script: $TESTAPPS/never_ready.py
                    port: %d
                    max_restarts: 2
                    restart_delay: 50ms
                    ready: { port: true, timeout: 2s }
                """.formatted(port));
        BerthRun.Result start = berth.run("start");
        assertEquals(1, start.exit(), start.toString());
        await("errored after 2 failed starts", Duration.ofSeconds(15), () -> "errored".equals(berth.state("stuck", 0)));
        assertNull(berth.pid("stuck", 0));
    }
}
