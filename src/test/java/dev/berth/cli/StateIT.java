package dev.berth.cli;

import static dev.berth.cli.BerthRun.await;
import static dev.berth.cli.BerthRun.httpGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the state database brings back after a reboot: running apps run again, stopped apps stay stopped. */
class StateIT extends BerthIT {
    private Map<String, Object> app(String name) {
        return berth.status().stream().filter(a -> name.equals(a.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no app " + name + " in status"));
    }

    @Test void afterASimulatedRebootRunningAppsComeBackAndStoppedAppsStayStopped() throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    ready: { port: true, timeout: 10s }
                  idle:
                    script: $TESTAPPS/never_ready.py
                    min_uptime: 300ms
                """.formatted(port));
        berth.ok("start");
        long idlePid = berth.pid("idle", 0);
        berth.alsoKill.add(idlePid);
        berth.ok("stop", "idle");
        assertTrue(!BerthRun.alive(idlePid));
        long web = berth.pid("web", 0);
        berth.alsoKill.add(web);

        // "Reboot": the daemon and every app process die at once, without any chance to clean up.
        long daemon = berth.daemonPid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        BerthRun.killGroup(web, "KILL");
        await("daemon and app dead", Duration.ofSeconds(5), () -> !BerthRun.alive(daemon) && !BerthRun.alive(web));
        assertNull(httpGet(port, "/"));

        BerthRun.Result start = berth.run("daemon", "start");
        assertEquals(0, start.exit(), start.toString());
        assertNotEquals(daemon, berth.daemonPid());
        await("web running again", Duration.ofSeconds(15), () -> "running".equals(berth.state("web", 0)));
        Long again = berth.pid("web", 0);
        assertNotNull(again);
        berth.alsoKill.add(again);
        assertNotEquals(web, again.longValue());
        assertNotNull(httpGet(port, "/"), "web must serve again");
        assertEquals("running", app("web").get("desired"));

        assertEquals("stopped", berth.state("idle", 0));
        assertNull(berth.pid("idle", 0));
        assertEquals("stopped", app("idle").get("desired"));
        Thread.sleep(1000); // and it is not started a little later either
        assertEquals("stopped", berth.state("idle", 0));
        assertNull(berth.pid("idle", 0));
    }
}
