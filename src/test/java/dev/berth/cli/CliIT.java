package dev.berth.cli;

import static dev.berth.cli.BerthRun.await;
import static dev.berth.cli.BerthRun.httpGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line contract: exit codes, problem locations, logs, flush, the daemon commands, startup. */
class CliIT extends BerthIT {
    /** Two problems: line 4 has a bad value at column 16, line 5 an unknown key at column 5. */
    private static final String BROKEN = """
            apps:
              web:
                script: $TESTAPPS/http_app.py
                instances: two
                max_memroy: 60M
                port: %d
            """;

    @Test void validateReportsEveryProblemWithFileLineAndColumn() throws Exception {
        berth.writeConfig(BROKEN.formatted(BerthRun.freePort()));
        BerthRun.Result r = berth.run("validate");
        assertEquals(3, r.exit(), r.toString());
        String file = berth.project.resolve("berth.yml").toString();
        List<String> problems = r.err().lines().filter(l -> l.startsWith(file + ":")).toList();
        assertEquals(2, problems.size(), "one line per problem, each starting with file:line:column: " + r);
        assertTrue(problems.get(0).startsWith(file + ":4:16: apps.web.instances"), problems.get(0));
        assertTrue(problems.get(1).startsWith(file + ":5:5: "), problems.get(1));
        assertTrue(problems.get(1).contains("max_memroy") && problems.get(1).contains("max_memory"), "must suggest the key: " + problems.get(1));
        assertFalse(berth.daemonAlive(), "validate needs no daemon");
    }

    @Test void startWithABrokenFileExits3AndStartsNothing() throws Exception {
        int port = BerthRun.freePorts(2);
        berth.writeConfig("""
                apps:
                  good:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    ready: { port: true, timeout: 10s }
                  bad:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    kill_timeout: 5
                """.formatted(port, port + 1));
        BerthRun.Result r = berth.run("start");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("berth.yml:9:"), "the problem's location: " + r);
        assertTrue(r.err().contains("apps.bad.kill_timeout"), r.toString());
        assertEquals(List.of(), berth.status(), "nothing may be registered from a broken file");
        assertNull(httpGet(port, "/"), "the valid app of a broken file must not start");
    }

    @Test void unknownCommandExits2AndUnknownAppExits4() throws Exception {
        BerthRun.Result unknown = berth.run("frobnicate");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("frobnicate"), unknown.toString());

        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/never_ready.py
                    min_uptime: 200ms
                """);
        berth.ok("start");
        for (String verb : new String[] {"stop", "restart", "reload", "delete"}) {
            BerthRun.Result r = berth.run(verb, "nosuchapp");
            assertEquals(4, r.exit(), verb + ": " + r);
            assertTrue(r.err().contains("nosuchapp"), r.toString());
        }
        assertEquals(4, berth.run("describe", "nosuchapp").exit());
        assertEquals(4, berth.run("logs", "nosuchapp").exit());
        assertEquals("running", berth.state("web", 0), "a failed command must not touch other apps");
    }

    @Test void logsShowsTheLastLinesWithTheirFileLabelAndFlushEmptiesThem() throws Exception {
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/chatty.py
                    env: { LINES: "10" }
                    min_uptime: 200ms
                """);
        berth.ok("start");
        await("all lines written", Duration.ofSeconds(10), () -> berth.log("web", 0, "out").contains("done\n"));
        BerthRun.Result logs = berth.ok("logs", "web", "--lines", "3");
        List<String> lines = logs.out().lines().toList();
        assertEquals(3, lines.size(), logs.toString());
        assertTrue(lines.get(0).startsWith("web-0-out | line 000000009 "), lines.get(0));
        assertTrue(lines.get(1).startsWith("web-0-out | line 000000010 "), lines.get(1));
        assertEquals("web-0-out | done", lines.get(2));

        BerthRun.Result flush = berth.run("flush", "web");
        assertEquals(0, flush.exit(), flush.toString());
        Path logs0 = berth.home.resolve("logs");
        assertEquals(0, Files.size(logs0.resolve("web-0-out.log")));
        assertEquals(0, Files.size(logs0.resolve("web-0-err.log")));
        assertEquals("", berth.ok("logs", "web", "--lines", "3").out().strip());
        assertEquals("running", berth.state("web", 0), "flush must not touch the app");
    }

    @Test void daemonStopLeavesAppsServingAndDaemonStatusSaysItIsDown() throws Exception {
        int port = BerthRun.freePort();
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    ready: { port: true, timeout: 10s }
                """.formatted(port));
        berth.ok("start");
        long app = berth.pid("web", 0);
        berth.alsoKill.add(app);
        assertEquals(0, berth.run("daemon", "status").exit());
        long daemon = berth.daemonPid();

        BerthRun.Result stop = berth.run("daemon", "stop");
        assertEquals(0, stop.exit(), stop.toString());
        assertFalse(BerthRun.alive(daemon), "the daemon must be gone when `daemon stop` returns");
        assertTrue(BerthRun.alive(app), "the app must outlive the daemon");
        assertNotNull(httpGet(port, "/"), "the app must keep serving");
        BerthRun.Result status = berth.run("daemon", "status");
        assertEquals(1, status.exit(), status.toString());
        assertFalse(berth.daemonAlive(), "`daemon status` must not start a daemon");
    }

    @Test void startupPrintsASystemdUnitThatLeavesAppsAlone() {
        BerthRun.Result r = berth.run("startup", "--print");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("KillMode=process"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ExecStart=") && l.contains("daemon run")), r.out());
        assertTrue(r.out().contains("Environment=BERTH_HOME=" + berth.home), r.out());
        assertFalse(berth.daemonAlive(), "startup --print needs no daemon");
    }
}
