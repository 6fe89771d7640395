package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** `start` on apps that already run: idempotent, and it says what of berth.yml it did not apply. */
class StartIT extends BerthIT {
    private static final String CONFIG = """
            apps:
              web:
                run: %s
                instances: %d
                min_uptime: 200ms
                env: { A: "%s"%s }
            """;

    @Test void startOnARunningAppSaysWhatChangedAndWhatAppliesIt() throws Exception {
        berth.writeConfig(CONFIG.formatted("sleep 300", 2, "1", ""));
        berth.ok("start");
        List<Long> pids = List.of(berth.pid("web", 0), berth.pid("web", 1));

        BerthRun.Result same = berth.ok("start");
        assertTrue(same.err().contains("web: already running (2 instances)"), same.toString());
        assertFalse(same.err().contains("reload"), "nothing to apply: " + same);

        berth.writeConfig(CONFIG.formatted("sleep 301", 1, "2", ", B: x"));
        for (int round = 0; round < 2; round++) { // and again: what is not applied is still said
            BerthRun.Result changed = berth.run("start");
            assertEquals(0, changed.exit(), changed.toString());
            String err = changed.err();
            assertTrue(err.contains("web: already running (2 instances)"), err);
            assertTrue(err.contains("instances: 1"), "names the instance count it now has: " + err);
            assertTrue(err.contains("run"), "the command changed: " + err);
            assertTrue(err.contains("+B") && err.contains("~A"), "env keys, never values: " + err);
            assertFalse(err.contains("\"2\"") || err.contains("=2"), "no env value: " + err);
            assertTrue(err.contains("`berth reload web`"), "says what applies it: " + err);
            assertEquals(pids, List.of(berth.pid("web", 0), berth.pid("web", 1)), "start touches no running instance");
        }

        berth.ok("reload", "web");
        BerthRun.Result after = berth.ok("start");
        assertTrue(after.err().contains("web: already running (1 instance)"), after.toString());
        assertFalse(after.err().contains("reload"), after.toString());
    }

    /** web starts once db is ready (db makes its marker, then says so); without after: it would look before. */
    @Test void anAppWithAfterStartsOnceItsDependencyIsReadyAndNotWhenItFails() throws Exception {
        berth.writeConfig("""
                apps:
                  web:
                    run: sh -c 'if test -f marker; then echo saw-db; else echo no-db; fi; exec sleep 300'
                    after: [db]
                  db:
                    run: sh -c 'sleep 1.5; touch marker; echo db up; exec sleep 300'
                    ready: { log: "db up", timeout: 10s }
                """);
        berth.ok("start");
        BerthRun.await("web's first line", java.time.Duration.ofSeconds(5), () -> !berth.log("web", 0, "out").isBlank());
        assertEquals("saw-db", berth.log("web", 0, "out").strip());
        berth.ok("delete", "all");

        java.nio.file.Files.deleteIfExists(berth.project.resolve("marker"));
        berth.writeConfig("""
                apps:
                  web:
                    run: sleep 300
                    after: [db]
                  db:
                    run: sh -c 'exit 3'
                    max_restarts: 0
                """);
        BerthRun.Result r = berth.run("start");
        assertTrue(r.all().contains("web: not started: db (after:) did not start"), r.toString());
        assertTrue(berth.status().stream().noneMatch(a -> "web".equals(a.get("name")) && a.toString().contains("pid=")), "web never started: " + berth.status());
    }
}
