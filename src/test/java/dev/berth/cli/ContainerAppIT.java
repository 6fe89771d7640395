package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.container.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A container app through the real CLI, daemon and Podman: supervised, limited and adopted like a process. */
class ContainerAppIT extends BerthIT {
    private String image;
    private int port;

    @BeforeEach void engine() throws Exception {
        TestEngine.assume();
        berth.env.putAll(TestEngine.env());
        image = TestEngine.image("localhost/berth-it-web:" + ProcessHandle.current().pid(), Map.of("/www/index.html", "hello from the container\n"));
        port = BerthRun.freePort();
    }

    @AfterEach void removeContainers() throws Exception {
        if (TestEngine.missing() == null) {
            TestEngine.removeAll(berth.home);
            TestEngine.podman("rmi", "-f", image);
        }
    }

    private String config(String extra) {
        return """
                apps:
                  web:
                    image: %s
                    port: %d
                    kill_timeout: 2s
                    restart_delay: 100ms
                    env:
                      GREETING: hello-from-berth-yml
                    ready: { http: /index.html, timeout: 20s }
                    container:
                      port: 8080
                      command: [/bin/sh, -c, 'echo "started with $GREETING, PORT $PORT"; exec httpd -f -p 8080 -h /www']
                %s""".formatted(image, port, extra);
    }

    /** The app's running containers; null when the engine cannot say (asked again by the await). */
    private List<String> running(String app) {
        try {
            return TestEngine.running(berth.home, app);
        } catch (Exception e) {
            return null;
        }
    }

    /** What the app serves, "" while nothing answers (between two containers). */
    private String served() {
        String body = BerthRun.httpGet(port, "/index.html");
        return body == null ? "" : body.strip();
    }

    @Test void aContainerAppIsStartedKilledRestartedAndStoppedLikeAProcess() throws Exception {
        berth.writeConfig(config(""));
        berth.ok("start");
        assertEquals("hello from the container", served());
        assertEquals("running", berth.state("web", 0));
        BerthRun.await("the container's output in Berth's log", Duration.ofSeconds(5),
                () -> berth.log("web", 0, "out").contains("started with hello-from-berth-yml, PORT 8080"));
        long client = berth.pid("web", 0);
        String cmdline = Files.readString(Path.of("/proc/" + client + "/cmdline")).replace('\0', ' ');
        assertTrue(cmdline.contains("--env=GREETING"), cmdline);
        assertFalse(cmdline.contains("hello-from-berth-yml"), "an env value is never on the engine's command line: " + cmdline);
        assertTrue(cmdline.contains("--restart=no"), "the engine's own restarts stay off: " + cmdline);

        BerthRun.await("the container's own memory, not its client's (Podman's is ~40 MB)", Duration.ofSeconds(10), () -> {
            Object rss = berth.instances("web").get(0).get("memory_bytes");
            return rss instanceof Number n && n.longValue() > 0 && n.longValue() < 16L << 20;
        });

        List<String> first = TestEngine.running(berth.home, "web");
        assertEquals(1, first.size(), first.toString());
        assertTrue(TestEngine.podman("kill", first.get(0)).exit() == 0);
        BerthRun.await("a new container serves", Duration.ofSeconds(20), () -> {
            List<String> now = running("web");
            return now != null && now.size() == 1 && !now.equals(first) && "hello from the container".equals(served()) && "running".equals(berth.state("web", 0));
        });
        assertNotEquals(client, berth.pid("web", 0));

        berth.ok("stop", "web");
        BerthRun.await("no container left", Duration.ofSeconds(10), () -> List.of().equals(running("web")));
    }

    @Test void theMemoryLimitIsEnforcedAndTheAppRestarted() throws Exception {
        berth.writeConfig("""
                apps:
                  hog:
                    image: %s
                    restart_delay: 500ms
                    backoff: false
                    container:
                      memory: 16M
                      command: [/bin/sh, -c, 'echo growing; a=xxxxxxxxxxxxxxxx; while true; do a="$a$a"; done']
                """.formatted(image));
        berth.run("start"); // killed at its limit, it may not count as started
        BerthRun.await("the kernel killed it at the limit and Berth started it again", Duration.ofSeconds(30), () -> {
            Map<String, Object> i = berth.instances("hog").get(0);
            return ((Number) i.get("restarts")).intValue() >= 1;
        });
        String reason = berth.reason("hog", 0);
        assertTrue(berth.log("hog", 0, "out").contains("growing"));
        BerthRun.Result events = berth.ok("events", "hog");
        assertTrue(events.out().contains("killed by signal 9") || events.out().contains("code 137"), events.out() + "\nreason: " + reason);
    }

    @Test void aKilledDaemonsContainersAreAdoptedAndStillCleanedUp() throws Exception {
        berth.writeConfig(config(""));
        berth.ok("start");
        long client = berth.pid("web", 0);
        List<String> before = TestEngine.running(berth.home, "web");
        BerthRun.killGroup(berth.daemonPid(), "KILL");
        BerthRun.await("the daemon is gone", Duration.ofSeconds(5), () -> !berth.daemonAlive());
        assertEquals("hello from the container", served(), "the container outlives the daemon");

        assertEquals("running", berth.state("web", 0), "the next daemon adopts it");
        assertEquals(client, berth.pid("web", 0));
        assertEquals(before, TestEngine.running(berth.home, "web"));

        // the engine's client killed outright: its container would run on; the adopting daemon removes it and starts a new one
        BerthRun.killGroup(client, "KILL");
        BerthRun.await("a new container in place of the orphan", Duration.ofSeconds(20), () -> {
            List<String> now = running("web");
            return now != null && now.size() == 1 && !now.equals(before) && "running".equals(berth.state("web", 0));
        });
        berth.ok("delete", "web");
        BerthRun.await("nothing left", Duration.ofSeconds(10), () -> List.of().equals(running("web")));
    }

    @Test void aBuildAppsImageIsBuiltFirstAndABrokenBuildStartsNothing() throws Exception {
        Files.writeString(berth.project.resolve("Dockerfile"), """
                FROM %s
                ARG MESSAGE
                RUN mkdir -p /www && echo "built with $MESSAGE" > /www/index.html
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """.formatted(image));
        String tag = "localhost/berth-it-built:" + ProcessHandle.current().pid();
        berth.writeConfig("""
                apps:
                  web:
                    image: %s
                    build: { context: ., args: { MESSAGE: a-build-arg } }
                    port: %d
                    kill_timeout: 2s
                    ready: { http: /index.html, timeout: 20s }
                    container: { port: 8080 }
                """.formatted(tag, port));
        try {
            berth.ok("start");
            assertEquals("built with a-build-arg", served());
            Path log = berth.home.resolve("logs/web-build.log");
            assertTrue(Files.readString(log).contains("MESSAGE"), "the build's output is in its log");
            assertFalse(Files.readString(Path.of("/proc/" + berth.pid("web", 0) + "/cmdline")).contains("a-build-arg"));
            berth.ok("delete", "web");

            // the engine may still be removing the stopped container (--rm) when delete returns
            BerthRun.await("the image removed", Duration.ofSeconds(10), () -> {
                try {
                    return TestEngine.podman("rmi", "-f", tag).exit() == 0;
                } catch (Exception e) {
                    return false;
                }
            });
            Files.writeString(berth.project.resolve("Dockerfile"), "FROM %s\nRUN false\n".formatted(image));
            BerthRun.Result broken = berth.run("start");
            assertNotEquals(0, broken.exit(), broken.toString());
            assertTrue(broken.all().contains("the image build failed (exit 1); see " + log), broken.toString());
            assertEquals(List.of(), running("web"));
        } finally {
            TestEngine.podman("rmi", "-f", tag);
        }
    }

    /** The shell grows a 64 MB string and keeps it (the echo after sleep keeps busybox from exec'ing sleep in its place). */
    @Test void maxMemoryMeasuresTheContainersProcesses() throws Exception {
        berth.writeConfig("""
                apps:
                  grower:
                    image: %s
                    max_memory: 40M
                    container:
                      command: [/bin/sh, -c, 'echo growing; a=xxxxxxxxxxxxxxxx; while [ $${#a} -lt 60000000 ]; do a="$a$a"; done; echo grown; sleep 600; echo done']
                """.formatted(image));
        berth.ok("start");
        BerthRun.await("restarted over max_memory", Duration.ofSeconds(30), () -> berth.ok("events", "grower").out().contains("over max_memory"));
    }

    @Test void aContainerLeftWithoutItsClientWhileNoDaemonRanIsRemovedByTheNext() throws Exception {
        berth.writeConfig(config(""));
        berth.ok("start");
        long client = berth.pid("web", 0);
        List<String> before = running("web");
        BerthRun.killGroup(berth.daemonPid(), "KILL");
        BerthRun.await("the daemon is gone", Duration.ofSeconds(5), () -> !berth.daemonAlive());
        BerthRun.killGroup(client, "KILL");
        BerthRun.await("the client is gone", Duration.ofSeconds(5), () -> !BerthRun.alive(client));
        assertEquals(before, running("web"), "the container runs on without its client");

        berth.run("status"); // the next daemon starts with the first command (exit 1 while an instance is not up)
        BerthRun.await("the next daemon removed it and started a new one", Duration.ofSeconds(30), () -> {
            List<String> now = running("web");
            return now != null && now.size() == 1 && !now.equals(before) && "running".equals(berth.state("web", 0));
        });
        assertTrue(berth.ok("events", "web").out().contains("removed container " + before.get(0)), berth.ok("events", "web").out());
        assertEquals("hello from the container", served());
    }

    @Test void readyWhenTheContainersHealthCheckPasses() throws Exception {
        berth.writeConfig("""
                apps:
                  web:
                    image: %s
                    port: %d
                    kill_timeout: 2s
                    ready: { healthcheck: true, timeout: 20s }
                    container:
                      port: 8080
                      command: [/bin/sh, -c, 'sleep 1; exec httpd -f -p 8080 -h /www']
                      healthcheck: { test: "wget -q -O /dev/null http://127.0.0.1:8080/index.html", interval: 1s, retries: 1 }
                  sick:
                    image: %s
                    max_restarts: 0
                    ready: { healthcheck: true, timeout: 3s }
                    container:
                      command: [sleep, "600"]
                      healthcheck: { test: "false" }
                """.formatted(image, port, image));
        BerthRun.Result r = berth.run("start");
        assertTrue(r.all().contains("ok     web: started 1 instance(s)"), r.toString());
        assertEquals("hello from the container", served(), "ready means the health check passed: httpd answers");
        assertTrue(r.all().contains("sick") && r.all().contains("not ready within 3s"), r.toString());
    }

    @Test void anEngineErrorIsTheReasonNotJustItsExitCode() throws Exception {
        String missing = "localhost/berth-it-missing-" + ProcessHandle.current().pid() + ":1";
        berth.writeConfig("""
                apps:
                  ghost:
                    image: %s
                    max_restarts: 0
                """.formatted(missing));
        berth.run("start"); // the engine's client counts as up while it tries to pull (min_uptime)
        BerthRun.await("the engine's own words in the reason", Duration.ofSeconds(30), () -> {
            String reason = berth.reason("ghost", 0);
            return reason != null && reason.contains("exited with code 125") && reason.contains("Error: ") && reason.contains(missing);
        });
    }
}
