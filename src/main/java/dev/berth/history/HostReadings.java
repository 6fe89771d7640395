package dev.berth.history;

import dev.berth.monitor.probe.HostStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * The host's CPU, memory and load for the history, read from /proc (three small files), with
 * {@link HostStats} only where there is no /proc. Not HostStats itself on Linux, on measurement:
 * loading OSHI took a JVM from 41 to 77 MB resident, most of the daemon's whole budget, which is
 * why the daemon loads it only for a host check; the history samples the host whether or not
 * there is one. The measures are HostStats' own, from the same lines OSHI reads: CPU busy is
 * the share of the first eight tick counts of /proc/stat's cpu line (user, nice, system, idle,
 * iowait, irq, softirq, steal) that were neither idle nor iowait, since the previous reading;
 * memory in use is (MemTotal - MemAvailable) / MemTotal; the load is /proc/loadavg's first field.
 */
final class HostReadings {
    private static final int TICK_FIELDS = 8;
    private static final int IDLE = 3;
    private static final int IOWAIT = 4;

    private final Path proc;
    private final Supplier<HostStats> fallback;
    private long[] previousTicks;

    /**
     * @param proc     where /proc is (another directory in tests)
     * @param fallback the daemon's HostStats, asked for only when proc cannot be read
     */
    HostReadings(Path proc, Supplier<HostStats> fallback) {
        this.proc = proc;
        this.fallback = fallback;
    }

    private boolean hasProc() {
        return Files.isReadable(proc.resolve("stat"));
    }

    /** CPU busy percent since the previous call; empty for the first one (nothing to compare with yet). */
    synchronized OptionalDouble cpuPercent() throws IOException {
        if (!hasProc()) return OptionalDouble.of(fallback.get().cpuUsedPercent());
        long[] ticks = cpuTicks(Files.readAllLines(proc.resolve("stat")));
        long[] before = previousTicks;
        previousTicks = ticks;
        if (before == null) return OptionalDouble.empty();
        long total = 0;
        for (int i = 0; i < TICK_FIELDS; i++) total += Math.max(0, ticks[i] - before[i]);
        long idle = Math.max(0, ticks[IDLE] - before[IDLE]) + Math.max(0, ticks[IOWAIT] - before[IOWAIT]);
        return OptionalDouble.of(total == 0 ? 0 : Math.max(0, Math.min(100, 100.0 * (total - idle) / total)));
    }

    static long[] cpuTicks(List<String> stat) throws IOException {
        for (String line : stat) {
            if (!line.startsWith("cpu ")) continue;
            String[] f = line.trim().split("\\s+");
            long[] ticks = new long[TICK_FIELDS];
            for (int i = 0; i < TICK_FIELDS && i + 1 < f.length; i++) ticks[i] = Long.parseLong(f[i + 1]);
            return ticks;
        }
        throw new IOException("no cpu line in /proc/stat");
    }

    /** Memory in use, percent. */
    double memoryPercent() throws IOException {
        if (!hasProc()) return fallback.get().memoryUsedPercent();
        long total = -1;
        long available = -1;
        for (String line : Files.readAllLines(proc.resolve("meminfo"))) {
            if (line.startsWith("MemTotal:")) total = kib(line);
            else if (line.startsWith("MemAvailable:")) available = kib(line);
        }
        if (total <= 0 || available < 0) throw new IOException("no MemTotal or MemAvailable in /proc/meminfo");
        return Math.max(0, Math.min(100, 100.0 * (total - available) / total));
    }

    private static long kib(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).replace("kB", "").trim());
    }

    /** The 1-minute load average, or empty where the OS has none. */
    OptionalDouble load1() throws IOException {
        if (!hasProc()) {
            return fallback.get().loadAverage().map(l -> OptionalDouble.of(l.one())).orElse(OptionalDouble.empty());
        }
        String[] fields = Files.readString(proc.resolve("loadavg")).trim().split("\\s+");
        try {
            return OptionalDouble.of(Double.parseDouble(fields[0]));
        } catch (NumberFormatException e) {
            throw new IOException("/proc/loadavg does not start with a number: " + fields[0]);
        }
    }
}
