package dev.berth.cli;

import static dev.berth.cli.BerthRun.await;
import static dev.berth.cli.BerthRun.httpGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** max_memory restarts, and autorestart: false. */
class RestartPolicyIT extends BerthIT {
    @Test void overMaxMemoryIsRestartedAndDescribeSaysWhy() throws Exception {
        berth.writeConfig("""
                apps:
                  hog:
                    script: $TESTAPPS/grow_memory.py
                    max_memory: 60M
                    min_uptime: 500ms
                    env: { GROW_MB_PER_SEC: "30", GROW_MAX_MB: "300" }
                """);
        berth.ok("start");
        long first = berth.pid("hog", 0);
        berth.alsoKill.add(first);
        await("restarted over max_memory", Duration.ofSeconds(10), () -> {
            Long p = berth.pid("hog", 0);
            return p != null && p != first;
        });
        assertTrue(!BerthRun.alive(first), "the old process must be gone");
        BerthRun.Result describe = berth.ok("describe", "hog");
        assertTrue(describe.out().contains("over max_memory"), describe.toString());
        assertTrue(((Number) berth.instances("hog").get(0).get("restarts")).intValue() >= 1);
    }

    /** describe promises "why it last exited or restarted" for each instance, also once the new process is up. */
    @Test void theInstanceKeepsItsMaxMemoryReasonAfterTheRestartedProcessIsRunning() throws Exception {
        berth.writeConfig("""
                apps:
                  hog:
                    script: $TESTAPPS/grow_memory.py
                    max_memory: 60M
                    min_uptime: 300ms
                    env: { GROW_MB_PER_SEC: "30", GROW_MAX_MB: "300" }
                """);
        berth.ok("start");
        long first = berth.pid("hog", 0);
        berth.alsoKill.add(first);
        await("restarted and running again", Duration.ofSeconds(10), () -> {
            var i = berth.instances("hog").get(0);
            return i.get("pid") != null && ((Number) i.get("pid")).longValue() != first && "running".equals(i.get("state"));
        });
        String reason = berth.reason("hog", 0);
        assertNotNull(reason, "the instance's last reason is gone once the restarted process is running");
        assertTrue(reason.contains("over max_memory"), reason);
    }

    @Test void withAutorestartOffAnExitedAppStaysStoppedAndDeleteForgetsIt() throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    autorestart: false
                    restart_delay: 50ms
                    ready: { port: true, timeout: 10s }
                """.formatted(port));
        berth.ok("start");
        long pid = berth.pid("web", 0);
        berth.alsoKill.add(pid);
        ProcessHandle.of(pid).orElseThrow().destroy(); // SIGTERM: http_app exits cleanly
        await("stopped", Duration.ofSeconds(10), () -> "stopped".equals(berth.state("web", 0)));
        Thread.sleep(1000); // well past restart_delay
        assertEquals("stopped", berth.state("web", 0));
        assertNull(berth.pid("web", 0));
        assertNull(httpGet(port, "/"), "nothing may serve after the exit");
        String reason = berth.reason("web", 0);
        assertNotNull(reason);
        assertTrue(reason.contains("autorestart is off"), reason);
        assertTrue(reason.contains("exited with code 0"), reason);

        BerthRun.Result delete = berth.run("delete", "web");
        assertEquals(0, delete.exit(), delete.toString());
        assertTrue(berth.status().stream().noneMatch(a -> "web".equals(a.get("name"))), "deleted app still in status");
        assertEquals(4, berth.run("describe", "web").exit(), "a deleted app is unknown");
    }
}
