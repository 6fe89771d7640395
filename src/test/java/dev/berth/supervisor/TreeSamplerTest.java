package dev.berth.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The once-a-second sampler: members found by a full pass over a /proc-shaped directory, read
 * alone in between; a new child counted from the next full pass, a reused pid noticed at once,
 * CPU as ticks since the previous sample. One test runs against the real /proc.
 */
class TreeSamplerTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @TempDir Path proc;
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);

    @Test
    void knownMembersAreReadEverySecondAndNewOnesFromTheNextFullPass() throws IOException {
        fake(100, 'S', 1, 100, 10, 5000, 1000);
        fake(101, 'S', 100, 100, 20, 5001, 2000);
        fake(999, 'S', 1, 999, 5, 4000, 50_000); // another tree
        TreeSampler sampler = new TreeSampler(new ProcessTree(proc), clock::get);
        long page = new ProcessTree(proc).pageSizeBytes();

        TreeSampler.Sample first = sampler.sample(List.of(100L)).get(100L);
        assertEquals(2, first.processCount());
        assertEquals(3000 * page, first.rssBytes());
        assertFalse(first.hasPrevious(), "no CPU figure from one sample");
        assertEquals(1, sampler.fullPasses());

        // A second later: the app grew and forked a child.
        clock.addAndGet(SECOND);
        fake(101, 'S', 100, 100, 25, 5001, 6000);
        fake(102, 'S', 101, 100, 3, 5100, 700);
        TreeSampler.Sample second = sampler.sample(List.of(100L)).get(100L);
        assertEquals(1, sampler.fullPasses(), "no pass over all of /proc within " + TreeSampler.FULL_PASS_EVERY);
        assertEquals(2, second.processCount(), "the new child is not known yet");
        assertEquals(7000 * page, second.rssBytes(), "the growth of a known member shows at once");
        assertTrue(second.hasPrevious());
        assertEquals(5, second.cpuTicksSincePrevious());

        clock.addAndGet(TreeSampler.FULL_PASS_EVERY.toNanos());
        fake(102, 'S', 101, 100, 900, 5100, 700); // it was busy before it was found
        TreeSampler.Sample third = sampler.sample(List.of(100L)).get(100L);
        assertEquals(2, sampler.fullPasses());
        assertEquals(3, third.processCount(), "found by the next full pass");
        assertEquals(7700 * page, third.rssBytes());
        assertEquals(0, third.cpuTicksSincePrevious(), "the CPU a process used before it was found is not a burst now");

        clock.addAndGet(SECOND);
        fake(102, 'S', 101, 100, 950, 5100, 700);
        assertEquals(50, sampler.sample(List.of(100L)).get(100L).cpuTicksSincePrevious());
    }

    @Test
    void anExitedMemberLeavesTheSumAndAReusedPidMakesAFullPassAtOnce() throws IOException {
        fake(100, 'S', 1, 100, 10, 5000, 1000);
        fake(101, 'S', 100, 100, 20, 5001, 2000);
        fake(102, 'S', 100, 100, 30, 5002, 3000);
        TreeSampler sampler = new TreeSampler(new ProcessTree(proc), clock::get);
        sampler.sample(List.of(100L));

        clock.addAndGet(SECOND);
        deleteProcess(102);
        fake(100, 'S', 1, 100, 12, 5000, 1000);
        TreeSampler.Sample s = sampler.sample(List.of(100L)).get(100L);
        assertEquals(2, s.processCount());
        assertEquals(2, s.cpuTicksSincePrevious(), "the ticks of the one that exited take nothing away");
        assertEquals(1, sampler.fullPasses());

        // 101 exits and its pid goes to a process of somebody else's.
        clock.addAndGet(SECOND);
        fake(101, 'S', 1, 101, 7, 9000, 88_888);
        TreeSampler.Sample after = sampler.sample(List.of(100L)).get(100L);
        assertEquals(2, sampler.fullPasses(), "another start time under a known pid makes a full pass");
        assertEquals(1, after.processCount(), "the stranger is not counted");
        assertEquals(1000 * new ProcessTree(proc).pageSizeBytes(), after.rssBytes());
    }

    @Test
    void aNewRootMakesAFullPassAndRootsNoLongerAskedForAreForgotten() throws IOException {
        fake(100, 'S', 1, 100, 10, 5000, 1000);
        fake(200, 'S', 1, 200, 10, 6000, 1000);
        TreeSampler sampler = new TreeSampler(new ProcessTree(proc), clock::get);
        sampler.sample(List.of(100L));
        clock.addAndGet(SECOND);
        Map<Long, TreeSampler.Sample> both = sampler.sample(List.of(100L, 200L));
        assertEquals(2, sampler.fullPasses(), "an instance started since the last pass");
        assertTrue(both.get(100L).hasPrevious());
        assertFalse(both.get(200L).hasPrevious());

        clock.addAndGet(SECOND);
        sampler.sample(List.of(200L));
        clock.addAndGet(SECOND);
        assertFalse(sampler.sample(List.of(100L, 200L)).get(100L).hasPrevious(), "100 was not sampled in between");
    }

    @Test
    void realTreeOfAShellAndItsChildren() throws Exception {
        Process p = new ProcessBuilder("setsid", "sh", "-c", "sleep 30 & sleep 30 & echo started; wait")
                .redirectErrorStream(true).start();
        try {
            assertEquals("started", new String(p.getInputStream().readNBytes(7)));
            ProcessTree tree = new ProcessTree();
            long root = p.pid();
            // setsid(1) execs the shell in place: the JVM's child is no group leader, so it need not fork.
            TreeSampler sampler = new TreeSampler(tree);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            TreeSampler.Sample s;
            do {
                s = sampler.sample(List.of(root)).get(root);
            } while (s.processCount() < 3 && System.nanoTime() < deadline);
            assertEquals(3, s.processCount(), "sh and its two sleeps");
            assertEquals(tree.sample(root).processCount(), s.processCount());
            assertTrue(s.rssBytes() > 0, "resident memory read from statm");
        } finally {
            new ProcessTree().signalTree(p.pid(), "KILL");
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ---- a /proc-shaped directory ---------------------------------------------------------

    private void fake(long pid, char state, long ppid, long pgrp, long utime, long startTicks, long residentPages) throws IOException {
        FakeProc.stat(proc, pid, "p" + pid, state, ppid, pgrp, utime, 0, startTicks);
        FakeProc.statm(proc, pid, residentPages);
    }

    private void deleteProcess(long pid) throws IOException {
        Path dir = proc.resolve(Long.toString(pid));
        Files.delete(dir.resolve("stat"));
        Files.delete(dir.resolve("statm"));
        Files.delete(dir);
    }
}
