package dev.berth.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AppSpec;
import dev.berth.store.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The instance state machine, edge by edge, with real processes and an in-process supervisor. */
class SupervisorTest {
    static final Path TESTAPPS = Path.of(System.getProperty("berth.root", ".")).toAbsolutePath().resolve("testapps");

    @TempDir Path tmp;
    StateStore store;
    Supervisor supervisor;
    final MovableClock clock = new MovableClock();
    /** How far the supervisor's monotonic time (its min_uptime and restart-delay waits) is ahead of the real one. */
    final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

    /** A clock tests can move forward, for cron_restart. */
    static final class MovableClock extends Clock {
        volatile Duration offset = Duration.ZERO;
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.now().plus(offset); }
    }

    @BeforeEach void setUp() throws Exception {
        store = new StateStore(tmp.resolve("state.db"));
        supervisor = new Supervisor(store, new ProcessTree(), LogRelay.locate(), clock, () -> System.nanoTime() + ahead.get().toNanos(),
                Supervisor.loginEnvironment(System.getenv()));
    }

    @AfterEach void tearDown() throws Exception {
        for (String app : supervisor.appNames()) supervisor.delete(app);
        supervisor.close();
        store.close();
    }

    AppSpec spec(String name, AppSpec.Command command, Map<String, String> env, AppSpec.RestartPolicy restart, String cron) throws Exception {
        store.upsertApp(new dev.berth.store.StoredApp(name, -1, tmp.resolve("berth.yml").toString(), null, "running", "{}"));
        return new AppSpec(name, command, tmp, env, null, 1, null, restart, null, cron, "TERM", Duration.ofSeconds(2), null,
                new AppSpec.LogSpec(tmp.resolve("logs"), false, null, null, null, 5, true), null, false);
    }

    static AppSpec.RestartPolicy policy(int maxRestarts, String minUptime, String delay) {
        return new AppSpec.RestartPolicy(true, maxRestarts, dev.berth.config.Durations.parse(minUptime),
                dev.berth.config.Durations.parse(delay), true, Duration.ofSeconds(2));
    }

    static AppSpec.Command sh(String line) {
        return new AppSpec.ShellCommand(line);
    }

    InstanceStatus instance(String app) {
        return supervisor.status(app).instances().get(0);
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }

    @Test void startingToRunningOnceItStayedUpMinUptime() throws Exception {
        AppSpec s = spec("sleeper", sh("sleep 60"), Map.of(), policy(3, "300ms", "50ms"), null);
        Outcome o = supervisor.start(s, n -> s);
        assertTrue(o.ok(), o.toString());
        assertEquals("running", instance("sleeper").state());
        assertTrue(instance("sleeper").uptimeMillis() >= 300);
    }

    @Test void runningToBackoffToRunningWhenAStableProcessExits() throws Exception {
        AppSpec s = spec("flaky", sh("sleep 0.6; exit 3"), Map.of(), policy(3, "300ms", "50ms"), null);
        assertTrue(supervisor.start(s, n -> s).ok());
        long first = instance("flaky").pid();
        await("restarted once", () -> instance("flaky").restarts() >= 1 && instance("flaky").pid() != null && instance("flaky").pid() != first);
        assertNotEquals("errored", instance("flaky").state(), "a process that stayed up past min_uptime is stable, its exit is not counted");
        await("last exit recorded", () -> instance("flaky").lastExitCode() != null || instance("flaky").reason() != null);
        assertTrue(instance("flaky").reason().contains("exited with code 3"), instance("flaky").reason());
    }

    @Test void startingToErroredAfterMaxRestartsUnstableExitsInARow() throws Exception {
        AppSpec s = spec("crasher", sh("exit 7"), Map.of(), policy(3, "1s", "10ms"), null);
        Outcome o = supervisor.start(s, n -> s);
        assertFalse(o.ok(), "a start whose process exits at once is a failed start");
        await("errored", () -> "errored".equals(instance("crasher").state()));
        assertEquals(2, instance("crasher").restarts(), "3 unstable exits: the first start and 2 restarts");
        assertTrue(instance("crasher").reason().startsWith("exited 3 times in a row before min_uptime"), instance("crasher").reason());
        assertNull(instance("crasher").pid());
    }

    @Test void startingToRunningWhenTheInjectedTimePassesMinUptime() throws Exception {
        AppSpec s = spec("patient", sh("sleep 60"), Map.of(), policy(3, "1h", "50ms"), null);
        Outcome[] o = new Outcome[1];
        Thread starter = Thread.ofVirtual().start(() -> o[0] = supervisor.start(s, n -> s));
        await("starting", () -> supervisor.has("patient") && !supervisor.status("patient").instances().isEmpty()
                && "starting".equals(instance("patient").state()));
        Thread.sleep(200);
        assertEquals("starting", instance("patient").state(), "an hour of min_uptime has not passed");
        ahead.set(Duration.ofHours(1));
        clock.offset = Duration.ofHours(1);
        starter.join(Duration.ofSeconds(5));
        assertTrue(o[0] != null && o[0].ok(), String.valueOf(o[0]));
        assertEquals("running", instance("patient").state());
    }

    @Test void backoffToStartingWhenTheInjectedTimePassesTheRestartDelay() throws Exception {
        var slow = new AppSpec.RestartPolicy(true, 10, Duration.ofMillis(100), Duration.ofHours(1), false, Duration.ofHours(1));
        AppSpec s = spec("later", sh("exit 1"), Map.of(), slow, null);
        supervisor.start(s, n -> s);
        await("backoff", () -> "backoff".equals(instance("later").state()));
        Thread.sleep(200);
        assertEquals(0, instance("later").restarts(), "the hour of restart_delay has not passed");
        ahead.set(Duration.ofHours(1));
        await("restarted", () -> instance("later").restarts() >= 1);
    }

    static Stream<Arguments> backoffTable() {
        return Stream.of(
                Arguments.of(1, 100), Arguments.of(2, 200), Arguments.of(3, 400), Arguments.of(5, 1600),
                Arguments.of(6, 2000), Arguments.of(60, 2000));
    }

    @ParameterizedTest @MethodSource("backoffTable")
    void backoffDoublesFromRestartDelayUpToItsCeiling(int unstableExits, long expectedMillis) {
        var p = new AppSpec.RestartPolicy(true, 10, Duration.ofSeconds(1), Duration.ofMillis(100), true, Duration.ofSeconds(2));
        assertEquals(expectedMillis, RestartDecision.backoffDelay(p, unstableExits).toMillis());
    }

    @Test void withoutBackoffTheDelayStaysFlat() {
        var p = new AppSpec.RestartPolicy(true, 10, Duration.ofSeconds(1), Duration.ofMillis(100), false, Duration.ofSeconds(2));
        assertEquals(100, RestartDecision.backoffDelay(p, 7).toMillis());
    }

    @Test void backoffToStoppedWhenStoppedCancelsThePendingRestart() throws Exception {
        var slow = new AppSpec.RestartPolicy(true, 10, Duration.ofSeconds(1), Duration.ofSeconds(3), false, Duration.ofSeconds(3));
        AppSpec s = spec("waiter", sh("exit 1"), Map.of(), slow, null);
        supervisor.start(s, n -> s);
        await("backoff", () -> "backoff".equals(instance("waiter").state()));
        supervisor.stop("waiter");
        assertEquals("stopped", instance("waiter").state());
        Thread.sleep(3500);
        assertEquals("stopped", instance("waiter").state(), "a stop must cancel the restart that was waiting");
        assertNull(instance("waiter").pid());
    }

    @Test void autorestartOffToStoppedWithTheReason() throws Exception {
        var off = new AppSpec.RestartPolicy(false, 10, Duration.ofMillis(100), Duration.ofMillis(10), false, Duration.ofSeconds(1));
        AppSpec s = spec("once", sh("sleep 0.3; exit 0"), Map.of(), off, null);
        supervisor.start(s, n -> s);
        await("stopped", () -> "stopped".equals(instance("once").state()));
        assertTrue(instance("once").reason().contains("autorestart is off"), instance("once").reason());
        assertEquals(0, instance("once").restarts());
    }

    @Test void cronRestartRestartsTheInstanceWhenTheScheduleComes() throws Exception {
        AppSpec s = spec("nightly", sh("sleep 60"), Map.of(), policy(3, "200ms", "10ms"), "0 3 * * *");
        supervisor.start(s, n -> s);
        long before = instance("nightly").pid();
        Thread.sleep(1500);
        assertEquals(before, instance("nightly").pid(), "no restart before the schedule");
        clock.offset = Duration.ofHours(25); // past the next 03:00 whatever the time now
        await("cron restart", () -> instance("nightly").pid() != null && instance("nightly").pid() != before
                && "running".equals(instance("nightly").state()));
        assertTrue(instance("nightly").reason().contains("cron_restart 0 3 * * *"), instance("nightly").reason());
        assertEquals(1, instance("nightly").restarts());
    }

    @Test void aRestartUsesTheSpecOfTodayAndNamesTheEnvKeysThatChangedNotTheirValues() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(Map.of("KEEP", "same", "SECRET", "old-value-123", "GONE", "x"));
        AppSpec first = spec("envy", sh("sleep 60"), env, policy(3, "100ms", "10ms"), null);
        AppSpec[] current = {first};
        supervisor.start(first, n -> current[0]);
        assertNull(instance("envy").envChanges(), "nothing changed at the first start");
        current[0] = spec("envy", sh("sleep 60"), Map.of("KEEP", "same", "SECRET", "new-value-456", "ADDED", "y"), policy(3, "100ms", "10ms"), null);
        assertTrue(supervisor.restart("envy").ok());
        String changes = instance("envy").envChanges();
        assertNotNull(changes);
        assertEquals("+ADDED -GONE ~SECRET", changes);
        assertFalse(changes.contains("value"));
    }

    @Test void stopEndsTheWholeTreeWhenTheLeaderIgnoresTerm() throws Exception {
        AppSpec s = spec("stubborn", new AppSpec.ExecCommand(List.of(TESTAPPS.resolve("ignore_term.sh").toString())), Map.of(),
                policy(3, "300ms", "10ms"), null);
        supervisor.start(s, n -> s);
        long pid = instance("stubborn").pid();
        ProcessTree tree = new ProcessTree();
        await("children", () -> tree.descendants(pid).size() >= 2);
        List<Long> all = new java.util.ArrayList<>(tree.descendants(pid));
        all.add(pid);
        long t0 = System.nanoTime();
        supervisor.stop("stubborn");
        long took = (System.nanoTime() - t0) / 1_000_000;
        for (long p : all) assertTrue(tree.startTicks(p).isEmpty() || !tree.isAlive(p, tree.startTicks(p).get()), "pid " + p + " survived");
        assertTrue(took >= 1900, "SIGKILL only after kill_timeout (2s), took " + took + " ms");
    }

    @Test void anInstanceLeadsItsOwnSessionAndAPlainRunLineIsExecutedWithoutAShell() throws Exception {
        AppSpec plain = spec("plain", sh("sleep 60"), Map.of(), policy(3, "100ms", "10ms"), null);
        AppSpec shell = spec("shelled", sh("sleep 60 # a comment needs the shell"), Map.of(), policy(3, "100ms", "10ms"), null);
        assertTrue(supervisor.start(plain, n -> plain).ok());
        assertTrue(supervisor.start(shell, n -> shell).ok());
        for (String app : List.of("plain", "shelled")) {
            long pid = instance(app).pid();
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertEquals(String.valueOf(pid), f[5 - 3], app + ": its own process group");
            assertEquals(String.valueOf(pid), f[6 - 3], app + ": its own session, apart from the daemon's");
            // berth-logd (or the shell's exec) replaced itself with the program: the PID is the app's.
            assertEquals("sleep", java.nio.file.Files.readString(Path.of("/proc/" + pid + "/comm")).strip(), app);
        }
        assertEquals(List.of("sleep", "60"), new AppSpec.ShellCommand("sleep 60").argv(), "no shell for plain words");
    }

    /** Memory and CPU are unknown (null) until the watcher sampled the new process, not 0: status shows "-" meanwhile. */
    @Test void memoryIsUnknownUntilTheFirstSampleNotZero() throws Exception {
        AppSpec s = spec("fresh", sh("sleep 30"), Map.of(), policy(3, "3s", "100ms"), null);
        Thread starter = Thread.ofVirtual().start(() -> supervisor.start(s, n -> s)); // returns after min_uptime
        await("a pid", () -> {
            try {
                return instance("fresh").pid() != null;
            } catch (RuntimeException notYet) { // not registered, or no instance yet
                return false;
            }
        });
        Object before = instance("fresh").memoryBytes();
        assertTrue(before == null || ((Number) before).longValue() > 0, "right after the spawn: unknown or measured, never 0, got " + before);
        await("the first sample", () -> (Object) instance("fresh").memoryBytes() != null);
        assertTrue(((Number) instance("fresh").memoryBytes()).longValue() > 0);
        await("a CPU figure, from the second sample", () -> (Object) instance("fresh").cpuPercent() != null);
        starter.join();
    }
}
