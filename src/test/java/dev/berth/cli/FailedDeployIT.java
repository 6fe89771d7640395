package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a failing deploy does to traffic, measured with a client polling the real app's ports
 * all through it: a bad release never answers a request when its preflight catches it; an
 * instance that fails is brought back on the previous release while the others are never
 * touched; a rollback restarts the instances one at a time, so some instance always answers.
 */
class FailedDeployIT extends BerthIT {
    private static final String CONFIG = """
            apps:
              web:
                run: python3 release_app.py
                port: %d
                instances: %d
                ready: { http: /, timeout: 4s }
                min_uptime: 200ms
                max_restarts: 2
                kill_timeout: 3s
                deploy:
                  path: %s
                  git: %s
                  branch: main
                  settle: %s
                  health: /health
                  preflight: %s
            """;

    private TestRepo repo;
    private Path base;
    private int port;

    @BeforeEach void firstRelease() throws Exception {
        repo = new TestRepo(tmp.resolve("repo"));
        base = tmp.resolve("srv/web");
        port = BerthRun.freePorts(2);
        repo.commit("v1");
    }

    private void configure(int instances, String settle, boolean preflight) throws Exception {
        berth.writeConfig(CONFIG.formatted(port, instances, base, repo.dir, settle, preflight));
    }

    /** GETs / on each port in turn every 20 ms until stopped; records what each round saw. */
    private static final class Poller implements AutoCloseable {
        final List<List<String>> rounds = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean stop;

        Poller(int... ports) {
            thread = Thread.ofPlatform().start(() -> {
                while (!stop) {
                    List<String> round = new ArrayList<>();
                    for (int p : ports) round.add(String.valueOf(BerthRun.httpGet(p, "/")));
                    rounds.add(round);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        long answeredBy(String version) {
            synchronized (rounds) {
                return rounds.stream().flatMap(List::stream).filter(("version=" + version)::equals).count();
            }
        }

        long failed() {
            synchronized (rounds) {
                return rounds.stream().flatMap(List::stream).filter("null"::equals).count();
            }
        }

        /** Rounds in which no port answered at all: a full outage. */
        long outages() {
            synchronized (rounds) {
                return rounds.stream().filter(r -> r.stream().allMatch("null"::equals)).count();
            }
        }

        @Override public void close() throws InterruptedException {
            stop = true;
            thread.join(5000);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lastDeployment() {
        return (Map<String, Object>) Json.readList(berth.ok("deployments", "web", "--json").out()).get(0);
    }

    @SuppressWarnings("unchecked")
    private List<String> eventMessages() {
        return ((List<Object>) berth.describe("web").get("events")).stream().map(e -> String.valueOf(((Map<String, Object>) e).get("message"))).toList();
    }

    @SuppressWarnings("unchecked")
    private String releaseState(String id) {
        List<Object> rels = (List<Object>) Json.readMap(berth.ok("releases", "web", "--json").out()).get("releases");
        return rels.stream().map(r -> (Map<String, Object>) r).filter(r -> id.equals(r.get("id"))).findFirst().orElseThrow().get("state").toString();
    }

    private String live() throws Exception {
        return TestRepo.read(base.resolve("current"));
    }

    @Test void aReleaseWhoseHealthFailsNeverAnswersTrafficWithOneInstance() throws Exception {
        configure(1, "1s", true);
        berth.ok("deploy", "web");
        String v1 = live();
        long pid = berth.pid("web", 0);
        repo.commit("v2", "UNHEALTHY", "1");
        BerthRun.Result r;
        try (Poller poller = new Poller(port)) {
            r = berth.run("deploy", "web");
            poller.close();
            assertEquals(0, poller.answeredBy("v2"), "requests answered by the release whose /health is 500");
            assertEquals(0, poller.failed(), "requests that failed during the deploy");
            assertTrue(poller.answeredBy("v1") > 10, "the poller ran: " + poller.rounds.size());
        }
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("preflight") && r.err().contains("/health"), r.toString());
        assertEquals("preflight", lastDeployment().get("failed_step"));
        assertEquals(v1, live(), "current never moved");
        assertEquals(pid, berth.pid("web", 0).longValue(), "the live instance was never restarted");
        assertTrue(Files.exists(berth.home.resolve("logs/web-preflight.log")), "the preflight's output is kept");
    }

    @Test void anInstanceThatFailsIsBroughtBackOnThePreviousReleaseAndTheOtherIsNeverTouched() throws Exception {
        configure(2, "1s", false);
        berth.ok("deploy", "web");
        String v1 = live();
        long second = berth.pid("web", 1);
        repo.commit("v2", "CRASH", "1");
        BerthRun.Result r;
        try (Poller poller = new Poller(port, port + 1)) {
            r = berth.run("deploy", "web");
            poller.close();
            assertEquals(0, poller.answeredBy("v2"));
            assertEquals(0, poller.outages(), "rounds in which no instance answered");
        }
        assertEquals(1, r.exit(), r.toString());
        assertEquals("rolled_back", lastDeployment().get("state"), r.toString());
        assertEquals(v1, live());
        List<String> events = eventMessages();
        assertTrue(events.stream().anyMatch(m -> m.startsWith("instance 0 brought back on the previous config")), events.toString());
        assertFalse(events.stream().anyMatch(m -> m.contains("failed too")), "the instance came back on the previous release: " + events);
        assertEquals("version=v1", BerthRun.httpGet(port, "/"));
        assertEquals("version=v1", BerthRun.httpGet(port + 1, "/"));
        assertEquals(second, berth.pid("web", 1).longValue(), "instance 1 never left the previous release and was not restarted");
    }

    @Test void aDaemonKilledWhileInstancesMoveOntoTheReleaseIsUndoneByTheNextDaemon() throws Exception {
        configure(2, "1s", false);
        berth.ok("deploy", "web");
        String v1 = live();
        repo.commit("v2", "SLOW_START", "1.5");
        ProcessBuilder pb = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "dev.berth.cli.Main", "deploy", "web")).directory(berth.project.toFile());
        pb.environment().put("BERTH_HOME", berth.home.toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process deploy = pb.start();
        try {
            // instance 0 runs v2, instance 1 not yet: the daemon dies in the middle of the restart step
            BerthRun.await("instance 0 on v2", Duration.ofSeconds(60), () -> "version=v2".equals(BerthRun.httpGet(port, "/")));
            long daemon = berth.daemonPid();
            new ProcessBuilder("kill", "-9", String.valueOf(daemon)).start().waitFor();
            BerthRun.await("the daemon is gone", Duration.ofSeconds(10), () -> ProcessHandle.of(daemon).isEmpty());
        } finally {
            deploy.destroyForcibly();
        }
        assertEquals(v1, live(), "current was not switched yet");
        berth.run("status"); // a new daemon (exit 1 while an instance is still starting)
        BerthRun.await("both instances back on v1", Duration.ofSeconds(60), () -> "version=v1".equals(BerthRun.httpGet(port, "/"))
                && "version=v1".equals(BerthRun.httpGet(port + 1, "/")));
        Map<String, Object> d = lastDeployment();
        BerthRun.await("the deployment says it was undone", Duration.ofSeconds(30),
                () -> String.valueOf(lastDeployment().get("message")).contains("back on release " + v1));
        assertEquals("interrupted", d.get("state"));
        assertEquals(v1, live());
        assertEquals("rolled_back", releaseState(String.valueOf(d.get("release"))));
        assertTrue(Files.isDirectory(base.resolve("releases").resolve(String.valueOf(d.get("release")))),
                "the release instances ran from was not deleted under them");
    }

    @Test void aFailedHealthGateAndARollbackRestartOneInstanceAtATime() throws Exception {
        configure(2, "6s", true);
        berth.ok("deploy", "web");
        String v1 = live();

        // v2 passes its preflight and readiness, then /health turns 500 during settle: back to v1, one instance at a time
        repo.commit("v2", "UNHEALTHY_AFTER", "2");
        try (Poller poller = new Poller(port, port + 1)) {
            BerthRun.Result r = berth.run("deploy", "web");
            poller.close();
            assertEquals(1, r.exit(), r.toString());
            assertEquals(0, poller.outages(), "rounds in which no instance answered (" + poller.rounds.size() + " rounds)");
            assertTrue(poller.answeredBy("v2") > 0, "v2 was live during its settle window");
        }
        Map<String, Object> failed = lastDeployment();
        assertEquals("rolled_back", failed.get("state"));
        assertEquals("health gate", failed.get("failed_step"));
        assertEquals(v1, live());
        assertEquals("version=v1", BerthRun.httpGet(port, "/"));
        assertEquals("version=v1", BerthRun.httpGet(port + 1, "/"));

        // a good v3, then `berth rollback`: v3 is superseded (not failed), and again one instance at a time
        configure(2, "1s", true);
        repo.commit("v3");
        berth.ok("deploy", "web");
        String v3 = live();
        try (Poller poller = new Poller(port, port + 1)) {
            berth.ok("rollback", "web");
            poller.close();
            assertEquals(0, poller.outages(), "rounds in which no instance answered during the rollback");
        }
        assertEquals(v1, live());
        assertEquals("superseded", releaseState(v3));
        assertEquals("good", releaseState(v1));
        // a superseded release can be gone back to
        berth.ok("rollback", "web", v3);
        assertEquals("version=v3", BerthRun.httpGet(port, "/"));
    }
}
