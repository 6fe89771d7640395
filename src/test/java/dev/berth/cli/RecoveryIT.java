package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A daemon that starts while berth.yml is broken (an edit in progress, a bad merge) still adopts
 * the apps the previous one ran, with the last berth.yml that loaded, and keeps restarting them.
 */
class RecoveryIT extends BerthIT {
    @Test void aBrokenBerthYmlAtDaemonStartStillLeavesTheAppsSupervised() throws Exception {
        berth.writeConfig("""
                apps:
                  worker:
                    run: sleep 300
                    min_uptime: 200ms
                """);
        berth.ok("start");
        long pid = berth.pid("worker", 0);
        long daemon = berth.daemonPid();
        new ProcessBuilder("kill", "-9", String.valueOf(daemon)).start().waitFor();
        BerthRun.await("the daemon is gone", Duration.ofSeconds(10), () -> ProcessHandle.of(daemon).isEmpty());

        Files.writeString(berth.project.resolve("berth.yml"), "apps:\n  worker:\n    run: sleep 300\n    instances: many\n");
        assertEquals(pid, berth.pid("worker", 0).longValue(), "adopted: the same process, supervised by the new daemon");
        assertEquals("running", berth.state("worker", 0));

        BerthRun.killGroup(pid, "KILL");
        BerthRun.await("a restart with the last good berth.yml", Duration.ofSeconds(20), () -> {
            Long now = berth.pid("worker", 0);
            return now != null && now != pid && "running".equals(berth.state("worker", 0));
        });
        assertNotEquals(pid, berth.pid("worker", 0).longValue());
        String events = berth.ok("describe", "worker").out();
        assertTrue(events.contains("last good config"), "describe says the file is invalid and the last good one is used: " + events);
    }
}
