package dev.berth.supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Memory and CPU of every supervised tree, once a second, without reading all of /proc each
 * time. A full pass (the stat of every process on the host) finds the members of each tree; the
 * samples in between read only those members' stat and statm. On a host with hundreds of
 * processes that is the difference between reading hundreds of files a second and a few dozen.
 *
 * <p>What the shortcut costs: a child started since the last full pass is counted from the next
 * one, at most {@link #FULL_PASS_EVERY} later (a limit like max_memory still sees the memory of
 * the processes it already knew every second). A tree that is new, or a member whose pid now
 * names another process (another start time), makes a full pass at once.
 *
 * <p>CPU is the sum, over processes that were members at the previous sample too, of the ticks
 * each used since then: a process found late brings no burst of the CPU it used before it was
 * found, and one that exited takes nothing away from the others.
 */
final class TreeSampler {
    static final Duration FULL_PASS_EVERY = Duration.ofSeconds(5);

    /**
     * @param rssBytes           resident memory of the tree's live members
     * @param processCount       how many members were read (0 when the tree is gone)
     * @param cpuTicksSincePrevious clock ticks used since the previous sample of the same root
     * @param hasPrevious        false for a root sampled for the first time: no CPU figure yet
     */
    record Sample(long rssBytes, int processCount, long cpuTicksSincePrevious, boolean hasPrevious) { }

    /** A process, told apart from a later one with the same pid by its start time. */
    private record Member(long pid, long startTicks) { }

    private final ProcessTree tree;
    private final LongSupplier nanoTime;
    /** Members of each root (the root first when alive), as of the last full pass; null before the first. */
    private Map<Long, List<Member>> members;
    /** CPU ticks of each member at the previous sample, per root. */
    private Map<Long, Map<Member, Long>> previousTicks = Map.of();
    private long lastFullPass;
    private long fullPasses;

    TreeSampler(ProcessTree tree) {
        this(tree, System::nanoTime);
    }

    TreeSampler(ProcessTree tree, LongSupplier nanoTime) {
        this.tree = tree;
        this.nanoTime = nanoTime;
    }

    /** One sample of each root's tree; roots not given are forgotten. */
    synchronized Map<Long, Sample> sample(Collection<Long> roots) {
        long now = nanoTime.getAsLong();
        Map<Long, List<ProcessTree.Stat>> stats = null;
        boolean due = members == null || now - lastFullPass >= FULL_PASS_EVERY.toNanos() || !members.keySet().containsAll(roots);
        if (!due) stats = readKnownMembers(roots);
        if (stats == null) {
            stats = fullPass(roots);
            lastFullPass = now;
            fullPasses++;
        }

        Map<Long, Sample> out = new HashMap<>();
        Map<Long, Map<Member, Long>> ticksNow = new HashMap<>();
        for (long root : roots) {
            Map<Member, Long> before = previousTicks.get(root);
            Map<Member, Long> after = new HashMap<>();
            long rss = 0;
            long cpu = 0;
            int count = 0;
            for (ProcessTree.Stat s : stats.getOrDefault(root, List.of())) {
                Optional<Long> pages = tree.readResidentPages(s.pid());
                if (pages.isEmpty()) continue; // exited between stat and statm
                Member m = new Member(s.pid(), s.startTicks());
                long ticks = s.utime() + s.stime();
                Long earlier = before == null ? null : before.get(m);
                if (earlier != null) cpu += Math.max(0, ticks - earlier);
                after.put(m, ticks);
                rss += pages.get() * tree.pageSizeBytes();
                count++;
            }
            ticksNow.put(root, after);
            out.put(root, new Sample(rss, count, cpu, before != null));
        }
        previousTicks = ticksNow;
        return out;
    }

    /** How many full passes over /proc this sampler has made (for tests). */
    synchronized long fullPasses() {
        return fullPasses;
    }

    /** Each root's known members, read again; null when one of them is now another process. */
    private Map<Long, List<ProcessTree.Stat>> readKnownMembers(Collection<Long> roots) {
        Map<Long, List<ProcessTree.Stat>> out = new HashMap<>();
        for (long root : roots) {
            List<ProcessTree.Stat> live = new ArrayList<>();
            for (Member m : members.get(root)) {
                Optional<ProcessTree.Stat> s = tree.readStat(m.pid());
                if (s.isEmpty() || s.get().isDead()) continue; // exited: it no longer counts
                if (s.get().startTicks() != m.startTicks()) return null; // pid reused: look at everything again
                live.add(s.get());
            }
            out.put(root, live);
        }
        return out;
    }

    private Map<Long, List<ProcessTree.Stat>> fullPass(Collection<Long> roots) {
        Map<Long, ProcessTree.Stat> all = tree.scan();
        Map<Long, List<ProcessTree.Stat>> out = new HashMap<>();
        Map<Long, List<Member>> known = new HashMap<>();
        for (long root : roots) {
            List<ProcessTree.Stat> live = new ArrayList<>();
            ProcessTree.Stat self = all.get(root);
            if (self != null && !self.isDead()) live.add(self);
            for (long p : ProcessTree.descendants(root, all)) live.add(all.get(p));
            out.put(root, live);
            known.put(root, live.stream().map(s -> new Member(s.pid(), s.startTicks())).toList());
        }
        members = known;
        return out;
    }
}
