package dev.berth.cli;

import static dev.berth.cli.BerthRun.httpGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Rolling reloads: one instance at a time, never both ports down, and a failed reload leaves the old version serving. */
class ReloadIT extends BerthIT {
    private static final Pattern HELLO = Pattern.compile("hello from (\\d+) version=(\\S*)");

    /** What one port answered at one moment: null when it did not answer. */
    record Answer(Long pid, String version) {
        static Answer of(String body) {
            if (body == null) return null;
            Matcher m = HELLO.matcher(body);
            if (!m.find()) throw new AssertionError("unexpected answer: " + body);
            return new Answer(Long.parseLong(m.group(1)), m.group(2));
        }
    }

    record Sample(Answer first, Answer second) { }

    private static final String CONFIG = """
            apps:
              web:
                script: $TESTAPPS/http_app.py
                instances: 2
                port: %d
                env: { APP_VERSION: %s, READY_DELAY: "%s" }
                ready: { http: /health, timeout: %s }
            """;

    @Test void rollingReloadReplacesOneInstanceAtATimeWithoutDowntimeAndWithTheNewEnv() throws Exception {
        int port = BerthRun.freePorts(2);
        berth.writeConfig(CONFIG.formatted(port, "one", "0", "10s"));
        berth.ok("start");
        long p0 = berth.pid("web", 0), p1 = berth.pid("web", 1);
        assertTrue(httpGet(port, "/").contains("version=one"));

        // The new instances take half a second to listen, so each step of the reload is long enough to be seen.
        berth.writeConfig(CONFIG.formatted(port, "two", "0.5", "10s"));
        List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = Thread.ofPlatform().start(() -> {
            while (polling.get()) {
                samples.add(new Sample(Answer.of(httpGet(port, "/")), Answer.of(httpGet(port + 1, "/"))));
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        BerthRun.Result reload;
        try {
            reload = berth.run("reload", "web");
        } finally {
            polling.set(false);
            poller.join(10_000);
        }
        assertEquals(0, reload.exit(), reload.toString());

        List<Sample> seen = List.copyOf(samples);
        assertTrue(seen.size() >= 20, "too few samples to judge the reload: " + seen.size());
        long bothDown = seen.stream().filter(s -> s.first() == null && s.second() == null).count();
        assertEquals(0, bothDown, "both ports failed at once in " + bothDown + " of " + seen.size() + " samples");
        // Instance 0 goes first while instance 1 keeps serving the old process...
        assertTrue(seen.stream().anyMatch(s -> s.first() == null && s.second() != null && s.second().pid() == p1),
                "never saw instance 0 being replaced while instance 1 served the old process: " + seen);
        // ...then instance 1, while the new instance 0 serves.
        assertTrue(seen.stream().anyMatch(s -> s.first() != null && "two".equals(s.first().version()) && s.second() == null),
                "never saw instance 1 being replaced while the new instance 0 served: " + seen);
        // Never the other way round.
        assertTrue(seen.stream().noneMatch(s -> s.second() != null && "two".equals(s.second().version())
                        && (s.first() == null || "one".equals(s.first().version()))),
                "instance 1 was replaced before instance 0 was: " + seen);

        long n0 = berth.pid("web", 0), n1 = berth.pid("web", 1);
        assertNotEquals(p0, n0);
        assertNotEquals(p1, n1);
        assertEquals(new Answer(n0, "two"), Answer.of(httpGet(port, "/")));
        assertEquals(new Answer(n1, "two"), Answer.of(httpGet(port + 1, "/")));
        assertEquals("running", berth.state("web", 0));
        assertEquals("running", berth.state("web", 1));
    }

    @Test void failedReloadStopsAtTheFirstInstanceAndBringsItBackOnThePreviousConfig() throws Exception {
        int port = BerthRun.freePorts(2);
        berth.writeConfig(CONFIG.formatted(port, "one", "0", "10s"));
        berth.ok("start");
        long p0 = berth.pid("web", 0), p1 = berth.pid("web", 1);

        // The new version never becomes ready in time.
        berth.writeConfig(CONFIG.formatted(port, "two", "30", "2s"));
        BerthRun.Result reload = berth.run("reload", "web");
        assertEquals(1, reload.exit(), "a reload that stopped must fail: " + reload);
        assertTrue(reload.err().contains("reload stopped at instance 0"), reload.toString());
        assertTrue(reload.err().contains("not ready within 2s"), reload.toString());
        assertTrue(reload.err().contains("1 not replaced"), "must say the other instance was not replaced: " + reload);

        // Instance 1 was never touched.
        assertEquals(p1, berth.pid("web", 1));
        assertEquals(new Answer(p1, "one"), Answer.of(httpGet(port + 1, "/")));
        // Instance 0 runs the previous config again, in a new process.
        Long back = berth.pid("web", 0);
        assertNotNull(back, "instance 0 must be brought back");
        assertNotEquals(p0, back.longValue());
        assertEquals("running", berth.state("web", 0));
        assertEquals(new Answer(back, "one"), Answer.of(httpGet(port, "/")));
        // And it stays that way: no pending restart picks up the broken config afterwards.
        Thread.sleep(1500);
        assertEquals(back, berth.pid("web", 0));
        assertEquals(new Answer(back, "one"), Answer.of(httpGet(port, "/")));
        assertEquals(p1, berth.pid("web", 1));
    }
}
