package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the `status` table says, as a user reads it. */
class StatusIT extends BerthIT {
    @Test void anAdoptedInstanceIsMarkedAndTheMarkIsExplained() throws Exception {
        berth.writeConfig("""
                apps:
                  worker:
                    run: sleep 300
                    min_uptime: 200ms
                """);
        berth.ok("start");
        String fresh = berth.ok("status").out();
        assertFalse(fresh.contains("*"), "nothing adopted, no mark and no legend: " + fresh);

        long pid = berth.pid("worker", 0);
        berth.alsoKill.add(pid);
        long daemon = berth.daemonPid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        BerthRun.await("the daemon is gone", Duration.ofSeconds(10), () -> !BerthRun.alive(daemon));

        String adopted = berth.ok("status").out(); // starts a new daemon, which adopts
        assertEquals(pid, berth.pid("worker", 0).longValue());
        assertTrue(adopted.contains("running*"), adopted);
        assertTrue(adopted.lines().anyMatch(l -> l.startsWith("* ") && l.contains("adopted")), "a legend under the table: " + adopted);
    }
}
