package dev.berth.supervisor;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Environment;
import dev.berth.exec.Output;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The supervisor's view of a process and everything it started, read straight from /proc (Linux only).
 *
 * <p>A "tree" is the root pid, every process reachable from it through parent links, and every
 * member of the process group whose id is the root pid. The supervisor starts each instance with
 * setsid, so the instance is its own group leader; a grandchild that was orphaned (double fork,
 * daemonizing helper) gets re-parented to init and is no longer reachable through parent links,
 * but it keeps the group id, which is how we still find it.
 *
 * <p>Everything here tolerates processes exiting while we read: a process whose files disappear
 * (or fail with ESRCH) mid-read is simply not there.
 */
public final class ProcessTree {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private final Path procRoot;
    private final String procDir;

    /** Reads the real /proc. */
    public ProcessTree() {
        this(Path.of("/proc"));
    }

    /** Reads a /proc-shaped directory; tests point this at fake stat files. */
    public ProcessTree(Path procRoot) {
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
        this.procDir = procRoot.toString();
    }

    /**
     * The fields of /proc/&lt;pid&gt;/stat that Berth uses (field numbers as in proc(5)).
     *
     * @param state      field 3: R, S, D, Z (zombie), T, X (dead), ...
     * @param ppid       field 4
     * @param pgrp       field 5, process group id
     * @param session    field 6, session id
     * @param utime      field 14, user CPU in clock ticks
     * @param stime      field 15, system CPU in clock ticks
     * @param startTicks field 22, start time in clock ticks after boot
     */
    record Stat(long pid, char state, long ppid, long pgrp, long session, long utime, long stime, long startTicks) {

        /** A zombie has exited and only waits to be reaped; X is the brief state after that. */
        boolean isDead() {
            return state == 'Z' || state == 'X';
        }
    }

    // ---------------------------------------------------------------- identity and liveness

    /**
     * Start time of pid in clock ticks after boot (stat field 22), or empty when there is no such
     * process. Together with the pid it identifies a process: a recycled pid has another start time.
     * Resolution is one clock tick (10 ms at the usual CLK_TCK of 100).
     */
    public Optional<Long> startTicks(long pid) {
        return readStat(pid).map(Stat::startTicks);
    }

    /** True when pid exists, has the expected start time (it is not a recycled pid) and is not a zombie. */
    public boolean isAlive(long pid, long expectedStartTicks) {
        return readStat(pid)
                .map(s -> !s.isDead() && s.startTicks() == expectedStartTicks)
                .orElse(false);
    }

    // ---------------------------------------------------------------- the tree

    /**
     * Live descendants of pid (sorted, without pid itself, no zombies): every process reachable
     * through parent links from pid or from a member of process group pid, plus those group
     * members themselves. One pass over /proc.
     */
    public List<Long> descendants(long pid) {
        requirePositive(pid);
        return descendants(pid, scan());
    }

    static List<Long> descendants(long pid, Map<Long, Stat> all) {
        Map<Long, List<Long>> children = new HashMap<>();
        List<Long> groupMembers = new ArrayList<>();
        for (Stat s : all.values()) {
            children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s.pid());
            if (s.pgrp() == pid && s.pid() != pid) {
                groupMembers.add(s.pid());
            }
        }

        TreeSet<Long> found = new TreeSet<>(groupMembers);
        ArrayDeque<Long> todo = new ArrayDeque<>(groupMembers);
        todo.add(pid);
        while (!todo.isEmpty()) {
            for (long child : children.getOrDefault(todo.poll(), List.of())) {
                // pid != child guards against a cycle through pid; found.add against visiting twice
                if (child != pid && found.add(child)) {
                    todo.add(child);
                }
            }
        }
        // Zombies have already exited: they use nothing and cannot be signalled into doing anything.
        found.removeIf(p -> all.get(p).isDead());
        return List.copyOf(found);
    }

    /**
     * Memory and CPU of pid and its live descendants. Processes that exit while being read are left
     * out; a pid that is gone (or a zombie) with no live descendants gives {@link ProcessSample#NONE}.
     */
    public ProcessSample sample(long pid) {
        requirePositive(pid);
        return sample(pid, scan());
    }

    private ProcessSample sample(long pid, Map<Long, Stat> all) {
        List<Long> members = new ArrayList<>();
        members.add(pid);
        members.addAll(descendants(pid, all));

        long rssBytes = 0;
        long cpuTicks = 0;
        int count = 0;
        for (long p : members) {
            Stat stat = all.get(p);
            if (stat == null || stat.isDead()) {
                continue;
            }
            Optional<Long> residentPages = readResidentPages(p);
            if (residentPages.isEmpty()) {
                continue; // exited between reading stat and statm
            }
            rssBytes += residentPages.get() * pageSizeBytes();
            cpuTicks += stat.utime() + stat.stime();
            count++;
        }
        return new ProcessSample(rssBytes, cpuTicks, count);
    }

    // ---------------------------------------------------------------- CPU accounting

    /** Clock ticks per second used by /proc (getconf CLK_TCK, read once; 100 if that fails). */
    public long clockTicksPerSecond() {
        return SystemConf.CLOCK_TICKS;
    }

    /** Bytes per page for statm (getconf PAGESIZE, read once; 4096 if that fails). */
    public long pageSizeBytes() {
        return SystemConf.PAGE_SIZE;
    }

    /**
     * CPU use between two samples of the same tree over the wall-clock time between them, in percent
     * of one core (like top and PM2: a tree keeping two cores busy shows 200). Never negative: when a
     * busy child exits, its ticks leave the sum, which would otherwise show as negative use.
     */
    public double cpuPercent(ProcessSample earlier, ProcessSample later, Duration elapsed) {
        return cpuPercent(earlier.cpuTicks(), later.cpuTicks(), elapsed.toNanos());
    }

    /** {@link #cpuPercent(ProcessSample, ProcessSample, Duration)} from tick counts and System.nanoTime() deltas. */
    public double cpuPercent(long earlierTicks, long laterTicks, long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return 0;
        }
        long ticks = Math.max(0, laterTicks - earlierTicks);
        double cpuSeconds = (double) ticks / clockTicksPerSecond();
        double wallSeconds = elapsedNanos / 1e9;
        return 100.0 * cpuSeconds / wallSeconds;
    }

    // ---------------------------------------------------------------- signals

    /**
     * Sends signal (a {@link Signals} name: TERM, KILL, HUP, USR1, ...) to process group pid, and to
     * pid and each of its descendants that are not in that group. Each process gets it once: a second
     * HUP or USR1 would make an app reload or reopen its logs twice. Processes that are already gone
     * are ignored.
     *
     * <p>Uses kill(1) because ProcessHandle can only send TERM and KILL.
     *
     * @throws IllegalArgumentException for an unknown signal, pid &lt;= 1 or the supervisor's own pid
     * @throws IllegalStateException    when kill(1) fails for another reason than "no such process"
     */
    public void signalTree(long pid, String signal) {
        String sig = Signals.normalize(signal);
        long self = ProcessHandle.current().pid();
        if (pid <= 1 || pid == self) {
            // kill -- -1 would signal every process we may signal; never let a bad pid get there.
            throw new IllegalArgumentException("refusing to signal process tree of pid " + pid);
        }

        Map<Long, Stat> all = scan();
        Stat me = all.get(self);
        // If we were somehow in that group, the group signal would hit the supervisor too.
        boolean signalGroup = me == null || me.pgrp() != pid;

        List<String> argv = new ArrayList<>(List.of("kill", "-s", sig, "--"));
        if (signalGroup) {
            argv.add("-" + pid);
        }
        List<Long> targets = new ArrayList<>();
        targets.add(pid);
        targets.addAll(descendants(pid, all));
        for (long p : targets) {
            Stat s = all.get(p);
            boolean reachedByGroup = signalGroup && s != null && s.pgrp() == pid;
            if (s != null && p != self && !reachedByGroup) {
                argv.add(Long.toString(p));
            }
        }
        if (argv.size() > 4) { // kill with no pid at all is a usage error
            runKill(argv);
        }
    }

    /**
     * {@link #signalTree(long, String)}, but only when pid is not a recycled pid: when a process with
     * another start time has pid now, nothing is sent and false is returned. When pid is gone (or a
     * zombie) its group is still signalled: members may outlive their leader, and Linux does not give
     * the pid to a new process while it is still the id of a non-empty group.
     */
    public boolean signalTree(long pid, long expectedStartTicks, String signal) {
        Signals.normalize(signal); // a bad name fails the same way whether or not pid was recycled
        boolean recycled = startTicks(pid).map(t -> t != expectedStartTicks).orElse(false);
        if (recycled) {
            return false;
        }
        signalTree(pid, signal);
        return true;
    }

    private void runKill(List<String> argv) {
        CommandResult kill;
        try {
            kill = CommandRunner.local().run(killCommand(argv));
        } catch (InterruptedIOException e) {
            throw new IllegalStateException("interrupted while running " + argv, e);
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + argv + ": " + e.getMessage(), e);
        }
        if (kill.timedOut()) {
            throw new IllegalStateException("kill did not finish: " + argv);
        }
        if (kill.exitCode() == 0) {
            return;
        }
        if (kill.errors().isBlank()) {
            // its message was not kept (no room for it): failed only if a target is still there
            List<String> alive = argv.subList(4, argv.size()).stream()
                    .filter(t -> readStat(Math.abs(Long.parseLong(t))).isPresent()).toList();
            if (!alive.isEmpty()) throw new IllegalStateException(argv + " exited " + kill.exitCode() + " with " + alive + " still there");
            return;
        }
        // procps says "kill: (123) - No such process", util-linux "...failed: No such process".
        List<String> problems = kill.errors().lines()
                .filter(line -> !line.isBlank() && !line.contains("No such process"))
                .toList();
        if (!problems.isEmpty()) {
            throw new IllegalStateException(argv + " failed: " + String.join("; ", problems));
        }
    }

    /** kill(1) in the C locale, so that "No such process" is not translated; its stderr is what is read. */
    static Command killCommand(List<String> argv) {
        return Command.of(argv).withEnvironment(Environment.inherited().plus(Map.of("LC_ALL", "C")))
                .withOutput(Output.discarded()).withTimeout(Duration.ofSeconds(10));
    }

    /**
     * Waits until pid (with that start time) and every descendant found now are gone; zombies count
     * as gone. Polls every 20 ms. Returns false on timeout, or when interrupted (flag kept).
     */
    public boolean waitAllGone(long pid, long startTicks, Duration timeout) {
        requirePositive(pid);
        long deadline = System.nanoTime() + timeout.toNanos();

        // Remember each process with its start time so that a recycled pid does not look alive.
        Map<Long, Long> watched = new LinkedHashMap<>();
        watched.put(pid, startTicks);
        boolean pidRecycled = startTicks(pid).map(t -> t != startTicks).orElse(false);
        if (!pidRecycled) {
            // When pid was recycled, our process group was empty (Linux does not hand out a pid that is
            // still some group's id) and our old children cannot be told apart from the new owner's.
            Map<Long, Stat> all = scan();
            for (long d : descendants(pid, all)) {
                watched.put(d, all.get(d).startTicks());
            }
        }

        while (true) {
            watched.entrySet().removeIf(e -> !isAlive(e.getKey(), e.getValue()));
            if (watched.isEmpty()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- reading /proc

    /** Stat of every process listed in procRoot (thread ids are not listed, only processes). */
    Map<Long, Stat> scan() {
        Map<Long, Stat> all = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (isAllDigits(name)) {
                    long pid = Long.parseLong(name);
                    readStat(pid).ifPresent(s -> all.put(pid, s));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + procRoot + ": " + e.getMessage(), e);
        }
        return all;
    }

    /**
     * Live process-group leaders whose initial environment holds every given KEY=VALUE, oldest
     * first. The supervisor marks each instance with BERTH_HOME, BERTH_APP and BERTH_INSTANCE, so a
     * daemon killed between spawning an instance and recording its pid still finds it later.
     * Children inherit the marks but do not lead a group; berth-logd relays are skipped by name.
     */
    public List<Long> groupLeadersWithEnvironment(Map<String, String> required) {
        List<Stat> found = new ArrayList<>();
        for (Stat s : scan().values()) {
            if (s.isDead() || s.pgrp() != s.pid()) continue;
            if (readProcFile(s.pid(), "comm").map(c -> c.trim().equals("berth-logd")).orElse(true)) continue;
            Optional<String> environ = readProcFile(s.pid(), "environ");
            if (environ.isEmpty()) continue;
            Set<String> vars = new HashSet<>(List.of(environ.get().split("\0")));
            boolean all = required.entrySet().stream().allMatch(e -> vars.contains(e.getKey() + "=" + e.getValue()));
            if (all) found.add(s);
        }
        found.sort(Comparator.comparingLong(Stat::startTicks));
        return found.stream().map(Stat::pid).toList();
    }

    /** One variable of a process's initial environment, or null when it has none or cannot be read. */
    public String environmentVariable(long pid, String name) {
        return readProcFile(pid, "environ").flatMap(e -> java.util.stream.Stream.of(e.split("\0")).filter(kv -> kv.startsWith(name + "=")).findFirst())
                .map(kv -> kv.substring(name.length() + 1)).orElse(null);
    }

    /** Live processes (not pid 'except') whose process group and session are both leader's: what a session leader left behind. */
    public List<Long> sessionMembers(long leader, long except) {
        List<Long> out = new ArrayList<>();
        for (Stat s : scan().values()) {
            if (s.pid() != except && s.pgrp() == leader && s.session() == leader) out.add(s.pid());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** The directory pid runs in (/proc/PID/cwd), or empty when it is gone or not ours to read. */
    public Optional<Path> workingDirectory(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(procRoot.resolve(Long.toString(pid)).resolve("cwd")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Wall-clock start of a process from its start ticks (after boot, from btime in /proc/stat), for processes we never saw start. */
    public Optional<Instant> startedAt(long startTicks) {
        try {
            for (String line : Files.readString(procRoot.resolve("stat")).split("\n")) {
                if (line.startsWith("btime ")) {
                    long boot = Long.parseLong(line.substring(6).trim());
                    return Optional.of(Instant.ofEpochMilli(boot * 1000 + startTicks * 1000 / clockTicksPerSecond()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no boot time to count from
        }
        return Optional.empty();
    }

    /**
     * "pid N (command line)" of the process listening on the TCP port, from the socket inodes in
     * /proc/net/tcp and tcp6 and each process's fd links; empty when it cannot be seen (another
     * user's process, or gone).
     */
    public Optional<String> listenerOf(int port) {
        Set<String> inodes = listeningInodes(port);
        if (inodes.isEmpty()) return Optional.empty();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(procRoot)) {
            for (Path p : procs) {
                String name = p.getFileName().toString();
                if (!isAllDigits(name)) continue;
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(p.resolve("fd"))) {
                    for (Path fd : fds) {
                        String link;
                        try {
                            link = Files.readSymbolicLink(fd).toString();
                        } catch (IOException e) {
                            continue;
                        }
                        if (link.startsWith("socket:[") && inodes.contains(link.substring(8, link.length() - 1))) {
                            return Optional.of("pid " + name + " (" + commandLine(p) + ")");
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process, or gone: go on
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Inodes of sockets listening on the port, from /proc/net/tcp and tcp6. */
    private Set<String> listeningInodes(int port) {
        Set<String> out = new HashSet<>();
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(procRoot.resolve("net").resolve(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) out.add(f[9]);
                }
            } catch (IOException e) {
                // no such table (no IPv6): go on
            }
        }
        return out;
    }

    /**
     * The program and its first plain argument (`python3 app.py`): enough to recognise it, and
     * no options, where a password on a command line would be.
     */
    /** A process's title as ps shows it (argv joined by spaces; nginx rewrites its own), or empty when it is gone. */
    public Optional<String> title(long pid) {
        try {
            String raw = new String(Files.readAllBytes(procRoot.resolve(Long.toString(pid)).resolve("cmdline")), StandardCharsets.UTF_8);
            return Optional.of(raw.replace('\0', ' ').strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String commandLine(Path proc) {
        try {
            String[] argv = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
            if (argv.length == 0 || argv[0].isEmpty()) return "?";
            String out = Path.of(argv[0]).getFileName().toString();
            for (int i = 1; i < argv.length; i++) {
                if (argv[i].startsWith("-") || argv[i].contains("=")) continue;
                out += " " + Path.of(argv[i]).getFileName();
                break;
            }
            return out.length() > 60 ? out.substring(0, 57) + "..." : out;
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Empty when the process does not exist or exited while we read. */
    Optional<Stat> readStat(long pid) {
        Optional<String> text = readProcFile(pid, "stat");
        return text.map(t -> parseStat(pid, t));
    }

    /** Field 2 of /proc/pid/statm: resident set size in pages. */
    Optional<Long> readResidentPages(long pid) {
        return readProcFile(pid, "statm").map(text -> {
            String[] fields = text.trim().split(" ");
            if (fields.length < 2) {
                throw new IllegalStateException("unexpected statm of pid " + pid + ": " + text);
            }
            return Long.parseLong(fields[1]);
        });
    }

    private Optional<String> readProcFile(long pid, String file) {
        if (pid <= 0) {
            return Optional.empty();
        }
        // A FileInputStream and one buffer: the watcher reads these files every second, and this is
        // a third of the cost of Files.readAllBytes (no Path objects, no channel, no fstat).
        try (FileInputStream in = new FileInputStream(procDir + "/" + pid + "/" + file)) {
            byte[] buf = new byte[1024];
            int len = 0;
            for (int n; (n = in.read(buf, len, buf.length - len)) > 0; ) {
                len += n;
                if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
            }
            // Latin-1 never fails to decode: comm is whatever bytes the program set (prctl, argv[0]),
            // not necessarily valid UTF-8, and Files.readString would throw on it.
            return Optional.of(new String(buf, 0, len, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // FileNotFoundException when it is gone; "No such process" (ESRCH) when it exited after open.
            return Optional.empty();
        }
    }

    /**
     * Parses "pid (comm) state ppid pgrp ...". comm is up to 15 bytes of anything, including spaces,
     * parentheses and newlines, so the fields are whatever follows the LAST ')'.
     */
    static Stat parseStat(long pid, String text) {
        int close = text.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalStateException("unexpected stat of pid " + pid + ": " + text);
        }
        // rest[0] is field 3 (state), so field n is rest[n - 3]
        String[] rest = text.substring(close + 1).trim().split(" ");
        if (rest.length < 20 || rest[0].length() != 1) {
            throw new IllegalStateException("unexpected stat of pid " + pid + ": " + text);
        }
        return new Stat(
                pid,
                rest[0].charAt(0),
                Long.parseLong(rest[4 - 3]),
                Long.parseLong(rest[5 - 3]),
                Long.parseLong(rest[6 - 3]),
                Long.parseLong(rest[14 - 3]),
                Long.parseLong(rest[15 - 3]),
                Long.parseLong(rest[22 - 3]));
    }

    private static boolean isAllDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static void requirePositive(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
    }

    /** Kernel constants, asked of getconf once per JVM on first use (a holder class makes that lazy). */
    private static final class SystemConf {
        static final long PAGE_SIZE = getconf("PAGESIZE", 4096);
        static final long CLOCK_TICKS = getconf("CLK_TCK", 100);

        private static long getconf(String name, long fallback) {
            try {
                CommandResult r = CommandRunner.local().run(Command.of("getconf", name).withTimeout(Duration.ofSeconds(5)));
                long value = r.ok() ? Long.parseLong(r.output().trim()) : fallback;
                return value > 0 ? value : fallback;
            } catch (IOException | NumberFormatException e) {
                return fallback;
            }
        }
    }
}
