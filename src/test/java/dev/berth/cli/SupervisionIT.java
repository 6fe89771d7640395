package dev.berth.cli;

import static dev.berth.cli.BerthRun.await;
import static dev.berth.cli.BerthRun.httpGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The supervision promises, through the real CLI, a real daemon and real apps. */
class SupervisionIT extends BerthIT {
    @Test void startServesOnConsecutivePortsAndStatusShowsEveryInstance() throws Exception {
        int port = BerthRun.freePorts(2);
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    instances: 2
                    port: %d
                    env: { APP_VERSION: one }
                    ready: { http: /health, timeout: 10s }
                """.formatted(port));
        BerthRun.Result start = berth.run("start");
        assertEquals(0, start.exit(), start.toString());
        assertTrue(httpGet(port, "/").contains("version=one"));
        assertTrue(httpGet(port + 1, "/").contains("version=one"));
        assertEquals("running", berth.state("web", 0));
        assertEquals(port + 1, ((Number) berth.instances("web").get(1).get("port")).intValue());
        BerthRun.Result table = berth.ok("status");
        assertTrue(table.out().contains("APP") && table.out().contains("web"), table.toString());
    }

    @Test void aPortInUseIsNamedWithItsHolderInsteadOfACrash() throws Exception {
        int port = BerthRun.freePorts(2);
        ProcessBuilder pb = new ProcessBuilder("python3", BerthRun.TESTAPPS.resolve("http_app.py").toString());
        pb.environment().put("PORT", String.valueOf(port + 1));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process holder = pb.start();
        try {
            await("the other process listens", Duration.ofSeconds(10), () -> httpGet(port + 1, "/health") != null);
            berth.writeConfig("""
                    apps:
                      web:
                        script: $TESTAPPS/http_app.py
                        instances: 2
                        port: %d
                        ready: { http: /health, timeout: 10s }
                    """.formatted(port));
            BerthRun.Result start = berth.run("start");
            assertEquals(1, start.exit(), start.toString());
            String expected = "port " + (port + 1) + " is in use by pid " + holder.pid() + " (python3 http_app.py)";
            assertTrue(start.all().contains(expected), "expected \"" + expected + "\" in " + start);
            assertTrue(berth.reason("web", 1).contains(expected), berth.reason("web", 1));
            assertEquals("running", berth.state("web", 0), "the instance whose port was free runs");
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test void crashLoopEndsErroredWithTheReasonInDescribe() throws Exception {
        berth.writeConfig("""
                apps:
                  crasher:
                    script: $TESTAPPS/crash.sh
                    max_restarts: 3
                    min_uptime: 2s
                    restart_delay: 50ms
                """);
        BerthRun.Result start = berth.run("start");
        assertEquals(1, start.exit(), "a crashing app must not report success: " + start);
        await("errored", Duration.ofSeconds(20), () -> "errored".equals(berth.state("crasher", 0)));
        BerthRun.Result describe = berth.ok("describe", "crasher");
        assertTrue(describe.out().contains("exited 3 times in a row before min_uptime"), describe.toString());
        assertTrue(describe.out().contains("exited with code 1"), describe.toString());
        assertEquals(1, berth.run("status").exit(), "status exits 1 when an app that should run is not running");
    }

    @Test void stopLeavesNoProcessOfATreeThatIgnoresTerm() throws Exception {
        berth.writeConfig("""
                apps:
                  stubborn:
                    script: $TESTAPPS/ignore_term.sh
                    kill_timeout: 1s
                    min_uptime: 500ms
                """);
        berth.ok("start");
        long pid = berth.pid("stubborn", 0);
        await("children spawned", Duration.ofSeconds(5), () -> new dev.berth.supervisor.ProcessTree().descendants(pid).size() >= 2);
        var tree = new java.util.ArrayList<>(new dev.berth.supervisor.ProcessTree().descendants(pid));
        tree.add(pid);
        berth.ok("stop", "stubborn");
        for (long p : tree) assertTrue(!BerthRun.alive(p), "process " + p + " survived stop");
        assertEquals("stopped", berth.state("stubborn", 0));
    }

    @Test void appsOutliveKillNineOfTheDaemonAndAreAdoptedWithTheSamePids() throws Exception {
        int port = BerthRun.freePorts(2);
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    instances: 2
                    port: %d
                    ready: { port: true, timeout: 10s }
                """.formatted(port));
        berth.ok("start");
        long p0 = berth.pid("web", 0), p1 = berth.pid("web", 1);
        berth.alsoKill.add(p0);
        berth.alsoKill.add(p1);
        long started0 = ((Number) berth.instances("web").get(0).get("started_at_ms")).longValue();
        long daemon = berth.daemonPid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("daemon dead", Duration.ofSeconds(5), () -> !BerthRun.alive(daemon));
        assertNotNull(httpGet(port, "/"), "app must keep serving with the daemon gone");
        // the next command starts a new daemon, which adopts
        assertEquals(p0, berth.pid("web", 0));
        assertEquals(p1, berth.pid("web", 1));
        assertNotEquals(daemon, berth.daemonPid());
        assertEquals(started0, ((Number) berth.instances("web").get(0).get("started_at_ms")).longValue(), "uptime must carry over");
        assertEquals(true, berth.instances("web").get(0).get("adopted"));
        // a crash after adoption is restarted as usual
        ProcessHandle.of(p0).orElseThrow().destroyForcibly();
        await("restarted after adoption", Duration.ofSeconds(15),
                () -> { Long p = berth.pid("web", 0); return p != null && p != p0 && "running".equals(berth.state("web", 0)); });
        assertNotNull(httpGet(port, "/"));
    }

    @Test void aDaemonKilledBeforeRecordingAPidStillAdoptsTheProcessInsteadOfStartingASecond() throws Exception {
        int port = BerthRun.freePorts(1);
        berth.writeConfig("""
                apps:
                  web:
                    script: $TESTAPPS/http_app.py
                    port: %d
                    ready: { port: true, timeout: 10s }
                """.formatted(port));
        berth.ok("start");
        long pid = berth.pid("web", 0);
        berth.alsoKill.add(pid);
        long daemon = berth.daemonPid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("daemon dead", Duration.ofSeconds(5), () -> !BerthRun.alive(daemon));
        // As if the daemon died right after spawning: the database never learnt the pid.
        try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + berth.home.resolve("state.db"));
             var st = db.createStatement()) {
            assertEquals(1, st.executeUpdate("UPDATE instances SET pid=NULL, start_ticks=NULL WHERE app='web'"));
        }
        assertEquals(pid, berth.pid("web", 0), () -> "the running process must be adopted, not doubled\n" + berth.run("describe", "web").out() + berth.daemonLog());
        assertEquals("running", berth.state("web", 0));
        BerthRun.Result describe = berth.ok("describe", "web");
        assertTrue(describe.out().contains("found pid " + pid + " by its environment marks"), describe.toString());
    }
}
