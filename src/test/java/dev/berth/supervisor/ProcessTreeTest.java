package dev.berth.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real test apps (each in its own session via setsid) and checks what ProcessTree reads
 * from /proc, partly against an independent reading of /proc done here.
 */
class ProcessTreeTest {

    private static final Path APPS =
            Path.of(System.getProperty("berth.root", ".")).resolve("testapps").toAbsolutePath();
    private static final long MB = 1024 * 1024;

    private final ProcessTree tree = new ProcessTree();
    private final List<Started> started = new ArrayList<>();

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ real processes

    @Test
    void startTicksAreStableAndDifferForANewerProcess() throws Exception {
        Started a = startApp("never_ready.py", Map.of());
        a.awaitLine("never_ready started");
        long ticksA = tree.startTicks(a.pid).orElseThrow();
        assertEquals(ticksA, tree.startTicks(a.pid).orElseThrow(), "same process, same start time");

        // Field 22 really is the start time: boot time + ticks matches the JDK's idea of it.
        Instant fromTicks = bootTime().plusNanos(ticksA * 1_000_000_000L / tree.clockTicksPerSecond());
        Instant fromJdk = a.process.info().startInstant().orElseThrow();
        assertTrue(Duration.between(fromTicks, fromJdk).abs().compareTo(Duration.ofSeconds(2)) < 0,
                "start from ticks " + fromTicks + " vs JDK " + fromJdk);

        Thread.sleep(50); // start times have a resolution of one clock tick (10 ms at CLK_TCK 100)
        Started b = startApp("never_ready.py", Map.of());
        long ticksB = tree.startTicks(b.pid).orElseThrow();
        assertTrue(ticksB > ticksA, "later process has later start: " + ticksA + " then " + ticksB);

        assertEquals(Optional.empty(), tree.startTicks(999_999_999L), "no such pid");
    }

    @Test
    void descendantsIncludeChildrenTheirChildrenAndAReparentedGrandchild() throws Exception {
        Started s = startApp("spawn_children.sh", Map.of("DOUBLE_FORK", "1"));
        s.awaitLine("spawn_children started");
        List<Long> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            children.add(Long.parseLong(s.awaitLine("child ").substring("child ".length())));
        }
        long orphan = Long.parseLong(s.awaitLine("orphan ").substring("orphan ".length()));
        s.awaitLine("all started"); // printed after the orphan's parent exited and was reaped

        long orphanParent = Long.parseLong(procFields(orphan)[1]);
        assertTrue(orphanParent != s.pid && !children.contains(orphanParent),
                "orphan " + orphan + " should have been re-parented out of the tree, ppid " + orphanParent);

        // 3 looping subshells, each with a sleep, plus the orphan. The sleeps start asynchronously.
        List<Long> found = waitFor(() -> tree.descendants(s.pid), d -> d.size() >= 7, Duration.ofSeconds(5));
        assertEquals(7, found.size(), "descendants " + found);
        assertTrue(found.containsAll(children), "children " + children + " in " + found);
        assertTrue(found.contains(orphan), "re-parented orphan " + orphan + " in " + found);
        assertFalse(found.contains(s.pid), "root is not its own descendant");
        assertEquals(found.size(), new HashSet<>(found).size(), "no duplicates in " + found);
        for (long child : children) {
            assertTrue(found.stream().anyMatch(p -> Long.parseLong(procFields(p)[1]) == child),
                    "the sleep started by " + child + " is in " + found);
        }
        assertEquals(8, tree.sample(s.pid).processCount(), "root + 7 descendants");

        Started other = startApp("never_ready.py", Map.of());
        other.awaitLine("never_ready started");
        assertFalse(tree.descendants(s.pid).contains(other.pid), "unrelated process is not a descendant");
        assertEquals(List.of(), tree.descendants(other.pid));
    }

    @Test
    void sampleRssGrowsWithAllocatedMemory() throws Exception {
        Started g = startApp("grow_memory.py", Map.of("GROW_MB_PER_SEC", "60", "GROW_MAX_MB", "180"));
        g.awaitLine("grow_memory started");
        ProcessSample before = tree.sample(g.pid);
        g.awaitLine("size 180 MB", Duration.ofSeconds(15));
        ProcessSample after = tree.sample(g.pid);

        assertEquals(1, before.processCount());
        assertEquals(1, after.processCount());
        assertTrue(after.rssBytes() >= 180 * MB, "rss after growing: " + after.rssBytes());
        assertTrue(after.rssBytes() - before.rssBytes() >= 100 * MB, before + " -> " + after);
        assertTrue(after.cpuTicks() >= before.cpuTicks(), before + " -> " + after);

        // statm pages * page size agrees with the kernel's own VmRSS (in kB) of the same process.
        long vmRss = vmRssBytes(g.pid);
        ProcessSample again = tree.sample(g.pid);
        assertTrue(Math.abs(again.rssBytes() - vmRss) < 8 * MB, "sample " + again.rssBytes() + " vs VmRSS " + vmRss);
    }

    @Test
    void cpuPercentOfABusyProcessIsAboutOneCore() throws Exception {
        Started busy = start(List.of("sh", "-c", "echo busy; while :; do :; done"), Map.of());
        busy.awaitLine("busy");
        ProcessSample first = tree.sample(busy.pid);
        long t0 = System.nanoTime();
        Thread.sleep(1000);
        ProcessSample second = tree.sample(busy.pid);
        double percent = tree.cpuPercent(first, second, Duration.ofNanos(System.nanoTime() - t0));
        assertTrue(percent > 30 && percent < 110, "busy loop uses one core, got " + percent + "%");
    }

    @Test
    void cpuPercentArithmetic() {
        long hz = tree.clockTicksPerSecond();
        assertTrue(hz > 0);
        ProcessSample a = new ProcessSample(0, 500, 1);
        assertEquals(50.0, tree.cpuPercent(a, new ProcessSample(0, 500 + hz, 1), Duration.ofSeconds(2)), 1e-9);
        assertEquals(200.0, tree.cpuPercent(500, 500 + 2 * hz, 1_000_000_000L), 1e-9);
        assertEquals(0.0, tree.cpuPercent(a, new ProcessSample(0, 100, 1), Duration.ofSeconds(1)),
                "a busy child that exited takes its ticks along: never negative");
        assertEquals(0.0, tree.cpuPercent(a, new ProcessSample(0, 900, 1), Duration.ZERO));
    }

    @Test
    void signalTreeKillLeavesNothingOfATreeThatIgnoresTerm() throws Exception {
        Started s = startApp("ignore_term.sh", Map.of());
        s.awaitLine("ignore_term started");
        long ticks = tree.startTicks(s.pid).orElseThrow();
        List<Long> members = waitFor(() -> tree.descendants(s.pid),
                d -> d.stream().filter(p -> "sleep".equals(comm(p))).count() == 2, Duration.ofSeconds(5));
        Map<Long, Long> memberTicks = new HashMap<>();
        for (long p : members) {
            memberTicks.put(p, tree.startTicks(p).orElseThrow());
        }

        tree.signalTree(s.pid, "SIGTERM");
        s.awaitLine("got TERM, ignoring");
        assertFalse(tree.waitAllGone(s.pid, ticks, Duration.ofMillis(200)), "TERM is ignored by the whole tree");
        assertTrue(tree.isAlive(s.pid, ticks));
        memberTicks.forEach((p, t) -> assertTrue(tree.isAlive(p, t), "still alive after TERM: " + p));

        tree.signalTree(s.pid, "KILL");
        assertTrue(tree.waitAllGone(s.pid, ticks, Duration.ofSeconds(5)), "all gone after KILL");
        assertTrue(s.process.waitFor(5, TimeUnit.SECONDS));
        assertEquals(128 + 9, s.process.exitValue(), "root died of SIGKILL");

        // Checked against /proc directly: no live process of the group, none of the members left.
        for (Map.Entry<Long, Long> m : memberTicks.entrySet()) {
            String[] f = procFields(m.getKey());
            boolean sameProcessAlive = f != null && Long.parseLong(f[19]) == m.getValue() && !f[0].equals("Z");
            assertFalse(sameProcessAlive, () -> "member " + m.getKey() + " survived: " + String.join(" ", f));
        }
        assertEquals(List.of(), liveGroupMembers(s.pid), "live members of group " + s.pid);
    }

    @Test
    void groupMembersOutliveTheirLeaderAndAreStillWaitedForAndKilled() throws Exception {
        Started s = startApp("spawn_children.sh", Map.of());
        s.awaitLine("all started");
        long ticks = tree.startTicks(s.pid).orElseThrow();
        List<Long> members = waitFor(() -> tree.descendants(s.pid), d -> d.size() == 6, Duration.ofSeconds(5));
        assertEquals(6, members.size(), "3 subshells and their sleeps: " + members);

        // Only the leader dies; its children are re-parented but keep the process group.
        s.process.destroyForcibly();
        assertTrue(s.process.waitFor(5, TimeUnit.SECONDS));
        assertEquals(Optional.empty(), tree.startTicks(s.pid), "leader gone and reaped");
        assertEquals(members, tree.descendants(s.pid), "found through the process group");
        assertFalse(tree.waitAllGone(s.pid, ticks, Duration.ofMillis(300)), "group members still run");

        assertTrue(tree.signalTree(s.pid, ticks, "KILL"), "the pid was not recycled, only freed");
        assertTrue(tree.waitAllGone(s.pid, ticks, Duration.ofSeconds(5)));
        assertEquals(List.of(), liveGroupMembers(s.pid));
    }

    @Test
    void checkedSignalLeavesARecycledPidAlone() throws Exception {
        Started s = startApp("never_ready.py", Map.of());
        s.awaitLine("never_ready started");
        long ticks = tree.startTicks(s.pid).orElseThrow();

        assertFalse(tree.signalTree(s.pid, ticks + 1, "KILL"), "another start time: pid counts as recycled");
        Thread.sleep(100);
        assertTrue(tree.isAlive(s.pid, ticks), "not killed");

        assertTrue(tree.signalTree(s.pid, ticks, "KILL"));
        assertTrue(tree.waitAllGone(s.pid, ticks, Duration.ofSeconds(5)));
    }

    @Test
    void isAliveIsFalseAfterDeathForAnotherStartTimeAndForZombies() throws Exception {
        Started s = startApp("never_ready.py", Map.of());
        s.awaitLine("never_ready started");
        long ticks = tree.startTicks(s.pid).orElseThrow();
        assertTrue(tree.isAlive(s.pid, ticks));
        assertFalse(tree.isAlive(s.pid, ticks + 1), "recycled pid: other start time");
        assertFalse(tree.isAlive(s.pid, ticks - 1), "recycled pid: other start time");

        s.process.destroyForcibly();
        assertTrue(s.process.waitFor(5, TimeUnit.SECONDS));
        assertFalse(tree.isAlive(s.pid, ticks), "dead and reaped");

        // sh starts "sleep 0" then becomes "sleep 1000", which never reaps it: a zombie child.
        Started z = start(List.of("sh", "-c", "echo zombie maker; sleep 0 & exec sleep 1000"), Map.of());
        z.awaitLine("zombie maker");
        long zombie = waitFor(() -> zombieChildOf(z.pid), Optional::isPresent, Duration.ofSeconds(5)).orElseThrow();
        long zombieTicks = tree.startTicks(zombie).orElseThrow(); // a zombie still has a stat file
        assertFalse(tree.isAlive(zombie, zombieTicks), "zombie " + zombie + " is not alive");
        assertFalse(tree.descendants(z.pid).contains(zombie), "zombies are not live descendants");
        assertEquals(1, tree.sample(z.pid).processCount(), "only the sleep itself is counted");
    }

    @Test
    void signalTreeRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> tree.signalTree(999_999_999L, "STOP"));
        assertThrows(IllegalArgumentException.class, () -> tree.signalTree(999_999_999L, "-9"));
        assertThrows(IllegalArgumentException.class, () -> tree.signalTree(1, "TERM"), "never kill -- -1");
        assertThrows(IllegalArgumentException.class, () -> tree.signalTree(0, "TERM"));
        assertThrows(IllegalArgumentException.class, () -> tree.signalTree(ProcessHandle.current().pid(), "TERM"));
        // a pid nobody has: "no such process" is not an error
        tree.signalTree(999_999_999L, "TERM");
    }

    @Test
    void signalNamesAreNormalized() {
        assertEquals("TERM", Signals.normalize("SIGTERM"));
        assertEquals("TERM", Signals.normalize("term"));
        assertEquals("USR1", Signals.normalize(" sigusr1 "));
        assertEquals("KILL", Signals.normalize("KILL"));
        for (String bad : List.of("STOP", "9", "-9", "--", "", "SIG", "TERMX")) {
            assertFalse(Signals.isValid(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> Signals.normalize(bad), bad);
        }
        assertFalse(Signals.isValid(null));
    }

    // ------------------------------------------------------------------ fake /proc

    @Test
    void parsesFakeProcWithAwkwardCommNames() throws IOException {
        //          pid  comm                 state ppid pgrp utime stime start
        fakeProcess(100, "my app", 'S', 1, 100, 10, 1, 5000);
        fakeProcess(101, "a) b (c)) S 7 7", 'S', 100, 100, 20, 2, 5001); // fake fields inside comm
        fakeProcess(102, "(x)", 'R', 101, 100, 30, 3, 5002);
        fakeProcess(103, "orphan ) (", 'S', 1, 100, 40, 4, 5003); // re-parented, still in group 100
        fakeProcess(104, "other", 'S', 1, 104, 50, 5, 5004);
        fakeProcess(105, "other child", 'S', 104, 104, 60, 6, 5005);
        fakeProcess(106, "zombie", 'Z', 102, 100, 70, 7, 5006);
        fakeProcess(108, "own session", 'S', 103, 108, 80, 8, 5008); // child of a group member
        Files.createDirectories(tmp.resolve("107")); // exited before its stat was read
        Files.createDirectories(tmp.resolve("self"));
        Files.writeString(tmp.resolve("uptime"), "1.0 1.0\n"); // not a process
        for (long p : List.of(100L, 101L, 103L, 108L)) { // 102 exited between stat and statm
            Files.writeString(tmp.resolve(p + "/statm"), "9999 " + p + " 3 4 0 5 0\n");
        }
        ProcessTree fake = new ProcessTree(tmp);

        assertEquals(Optional.of(5001L), fake.startTicks(101));
        assertEquals(Optional.of(5003L), fake.startTicks(103));
        assertEquals(Optional.empty(), fake.startTicks(107));
        assertEquals(Optional.empty(), fake.startTicks(999));
        assertTrue(fake.isAlive(102, 5002));
        assertFalse(fake.isAlive(102, 5003));
        assertFalse(fake.isAlive(106, 5006), "zombie");

        assertEquals(List.of(101L, 102L, 103L, 108L), fake.descendants(100));
        assertEquals(List.of(105L), fake.descendants(104));
        assertEquals(List.of(), fake.descendants(108));

        ProcessSample sample = fake.sample(100);
        assertEquals(4, sample.processCount(), "100, 101, 103, 108; 102 vanished, 106 is a zombie");
        assertEquals((100 + 101 + 103 + 108) * fake.pageSizeBytes(), sample.rssBytes());
        assertEquals(11 + 22 + 44 + 88, sample.cpuTicks());
        assertEquals(ProcessSample.NONE, fake.sample(999), "gone");
    }

    private void fakeProcess(long pid, String comm, char state, long ppid, long pgrp,
                             long utime, long stime, long startTicks) throws IOException {
        FakeProc.stat(tmp, pid, comm, state, ppid, pgrp, utime, stime, startTicks);
    }

    // ------------------------------------------------------------------ starting and cleaning up

    /** A process started in its own session, with its output lines collected by a reader thread. */
    private static final class Started {
        final Process process;
        final long pid;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> seen = new ArrayList<>();

        Started(Process process) {
            this.process = process;
            this.pid = process.pid();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was killed; nothing more to read
                }
            }, "output of " + pid);
            reader.setDaemon(true);
            reader.start();
        }

        String awaitLine(String prefix) throws InterruptedException {
            return awaitLine(prefix, Duration.ofSeconds(10));
        }

        /** Consumes output up to and including the first line starting with prefix. */
        String awaitLine(String prefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("pid " + pid + " printed no line starting with '" + prefix + "' within " + timeout
                            + "; lines so far: " + seen);
                }
                seen.add(line);
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }
    }

    private Started startApp(String app, Map<String, String> env) throws IOException, InterruptedException {
        return start(List.of(APPS.resolve(app).toString()), env);
    }

    /** Starts argv as the leader of a new session and process group, as the supervisor does. */
    private Started start(List<String> argv, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("setsid");
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Started s = new Started(pb.start());
        started.add(s);
        // setsid only forks when its caller leads a group; the JVM's children never do, so the pid we
        // got is the app's and it leads its own group. Everything below relies on that. start() returns
        // before the child got to run setsid, so until then it is still in the JVM's group: wait.
        String pid = Long.toString(s.pid);
        String[] f = waitFor(() -> procFields(s.pid), r -> r != null && r[2].equals(pid), Duration.ofSeconds(5));
        assertEquals(pid, f == null ? null : f[2], "pid " + pid + " leads its process group");
        return s;
    }

    /** Kills every process group we started, without using ProcessTree (it may be what is broken). */
    @AfterEach
    void killEverythingStarted() throws Exception {
        for (Started s : started) {
            s.process.descendants().forEach(ProcessHandle::destroyForcibly);
            Process kill = new ProcessBuilder("kill", "-s", "KILL", "--", "-" + s.pid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(5, TimeUnit.SECONDS);
            s.process.destroyForcibly();
            s.process.waitFor(5, TimeUnit.SECONDS);
        }
        started.clear();
    }

    // ------------------------------------------------------------------ reading /proc independently

    /** Fields 3.. of /proc/pid/stat (index 0 = state, 1 = ppid, 2 = pgrp, 19 = starttime), or null. */
    private static String[] procFields(long pid) {
        try {
            String text = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")),
                    StandardCharsets.ISO_8859_1);
            return text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Pids of non-zombie processes whose process group is pgrp. */
    private static List<Long> liveGroupMembers(long pgrp) throws IOException {
        List<Long> members = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                String[] f = procFields(pid);
                if (f != null && Long.parseLong(f[2]) == pgrp && !f[0].equals("Z")) {
                    members.add(pid);
                }
            }
        }
        return members;
    }

    private static Optional<Long> zombieChildOf(long parent) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                String[] f = procFields(pid);
                if (f != null && f[0].equals("Z") && Long.parseLong(f[1]) == parent) {
                    return Optional.of(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Optional.empty();
    }

    private static long vmRssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static Instant bootTime() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            if (line.startsWith("btime ")) {
                return Instant.ofEpochSecond(Long.parseLong(line.substring(6).trim()));
            }
        }
        throw new IllegalStateException("no btime in /proc/stat");
    }

    /** Polls supplier every 20 ms until done accepts its value; returns the last value either way. */
    private static <T> T waitFor(Supplier<T> supplier, Predicate<T> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = supplier.get();
        while (!done.test(value) && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            value = supplier.get();
        }
        return value;
    }
}
