package dev.berth.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AppSpec;
import dev.berth.config.CheckSpec;
import dev.berth.monitor.probe.CheckState;
import dev.berth.monitor.probe.HostStats;
import dev.berth.monitor.probe.ProbeResult;
import dev.berth.store.StateStore;
import dev.berth.store.StoredApp;
import dev.berth.supervisor.LogRelay;
import dev.berth.supervisor.ProcessTree;
import dev.berth.supervisor.Supervisor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler over a real supervisor and real processes: a busy python loop and a sleep. The
 * rounds are driven by hand (tick), with the real readings of the supervisor's watcher.
 */
class HistorySamplerTest {
    @TempDir static Path tmp;
    static StateStore store;
    static Supervisor supervisor;
    static final HostStats host = new HostStats();

    @BeforeAll static void startApps() throws Exception {
        store = new StateStore(tmp.resolve("state.db"));
        supervisor = new Supervisor(store, new ProcessTree(), LogRelay.locate(), Clock.systemUTC(), Supervisor.loginEnvironment(System.getenv()));
        start("burner", "exec python3 -c 'while True: pass'");
        start("idle", "exec sleep 60");
        await("both measured twice", () -> supervisor.status().stream().allMatch(a -> a.instances().stream()
                .allMatch(i -> i.cpuPercent() != null && i.memoryBytes() != null)));
    }

    static void start(String name, String line) throws Exception {
        store.upsertApp(new StoredApp(name, -1, tmp.resolve("berth.yml").toString(), null, "running", "{}"));
        AppSpec spec = new AppSpec(name, new AppSpec.ShellCommand(line), tmp, Map.of(), null, 1, null,
                new AppSpec.RestartPolicy(true, 3, Duration.ofMillis(300), Duration.ofMillis(50), true, Duration.ofSeconds(2)),
                null, null, "TERM", Duration.ofSeconds(2), null, new AppSpec.LogSpec(tmp.resolve("logs"), false, null, null, null, 5, true), null, false);
        assertTrue(supervisor.start(spec, n -> spec).ok());
    }

    @AfterAll static void stopApps() throws Exception {
        for (String app : supervisor.appNames()) supervisor.delete(app);
        supervisor.close();
        store.close();
    }

    Path dir;

    @BeforeEach void dir() throws Exception {
        dir = java.nio.file.Files.createTempDirectory(tmp, "h");
    }

    @Test void aRoundRecordsEachInstancesMeanAndPeakAndTheHost() throws Exception {
        long slotStart = Math.floorDiv(System.currentTimeMillis(), 10_000) * 10_000;
        TestClock clock = new TestClock(slotStart);
        try (MetricsHistory history = MetricsHistory.open(dir.resolve("history.db"), clock)) {
            HistorySampler sampler = new HistorySampler(history, supervisor::status, () -> host, tmp);
            for (int s = 0; s < 5; s++) { // five seconds of the slot, with what the watcher measured by then
                clock.set(slotStart + s * 1000L + 100);
                sampler.tick(clock.millis());
                Thread.sleep(250);
            }
            assertEquals(List.of(), history.names(), "nothing is written before the slot ends");
            clock.set(slotStart + 10_050);
            sampler.tick(clock.millis());

            SeriesAnswer a = history.query(new SeriesQuery(List.of(), "app", slotStart, slotStart + 10_000, null, null));
            assertEquals(List.of("app/burner/0/cpu", "app/burner/0/rss", "app/idle/0/cpu", "app/idle/0/rss"),
                    a.series().stream().map(SeriesAnswer.Series::name).toList());
            SeriesAnswer.Point burner = a.series().get(0).points().get(0);
            SeriesAnswer.Point idle = a.series().get(2).points().get(0);
            assertEquals(slotStart, burner.atMillis());
            assertTrue(burner.avg() > 20 && burner.max() >= burner.avg(), "a busy loop: " + burner);
            assertTrue(idle.max() < 5, "sleep: " + idle);
            assertTrue(a.series().get(1).points().get(0).avg() > 1_000_000, "python's resident memory");
            assertTrue(a.series().get(3).points().get(0).max() > 50_000, "sleep's resident memory");

            SeriesAnswer h = history.query(new SeriesQuery(List.of(), "host", slotStart, slotStart + 10_000, null, null));
            assertEquals(List.of("host/cpu", "host/disk", "host/load1", "host/mem"), h.series().stream().map(SeriesAnswer.Series::name).toList());
            for (SeriesAnswer.Series s : h.series()) {
                assertEquals(1, s.points().size(), s.name());
                assertTrue(s.points().get(0).avg() >= 0, s.toString());
                if (!s.name().equals("host/load1")) assertTrue(s.points().get(0).avg() <= 100, s.toString());
            }
            assertTrue(h.series().get(1).points().get(0).avg() > 0, "the disk of BERTH_HOME holds at least this test's files");
        }
    }

    @Test void checksThatTimeThemselvesGetALatencySeriesTheOthersDoNot() throws Exception {
        TestClock clock = new TestClock();
        try (MetricsHistory history = MetricsHistory.open(dir.resolve("history.db"), clock)) {
            HistorySampler sampler = new HistorySampler(history, List::of, () -> host, tmp);
            CheckSpec tcp = new CheckSpec("db-port", new CheckSpec.Tcp("127.0.0.1", 5432, null), Duration.ofSeconds(10), Duration.ofSeconds(3), 1, List.of(), false);
            CheckSpec cpu = new CheckSpec("cpu", new CheckSpec.Host("cpu", null), Duration.ofSeconds(10), Duration.ofSeconds(3), 1, List.of(), false);
            sampler.checkFinished(tcp, new ProbeResult(CheckState.OK, 4.0, "ms", "latency 4 ms", 4));
            sampler.checkFinished(cpu, new ProbeResult(CheckState.OK, 12.0, "%", "cpu 12%", 0));
            clock.advance(Duration.ofSeconds(11));
            history.flush();
            assertEquals(List.of("check/db-port/latency"), history.names());
        }
    }

    @Test void theThreadSamplesOnItsOwnAndStopsWhenClosed() throws Exception {
        Path db = dir.resolve("history.db");
        try (MetricsHistory history = MetricsHistory.open(db, Clock.systemUTC())) {
            HistorySampler sampler = new HistorySampler(history, supervisor::status, () -> host, tmp).start();
            Thread.sleep(1500);
            long t0 = System.nanoTime();
            sampler.close();
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(1).toNanos(), "closing does not wait for a round");
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("berth-history")), "the thread ended");
        }
        try (MetricsHistory reopened = MetricsHistory.open(db, Clock.systemUTC())) {
            assertTrue(reopened.names().contains("app/burner/0/rss"), "what it read was written on close: " + reopened.names());
        }
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }
}
