package dev.berth.history;

import dev.berth.config.CheckSpec;
import dev.berth.monitor.probe.HostStats;
import dev.berth.monitor.probe.MountUsage;
import dev.berth.monitor.probe.ProbeResult;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.InstanceStatus;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Feeds the history. Every second it reads what the supervisor already measured of each
 * instance (its watcher samples every process tree once a second: {@code Supervisor.status}), so
 * an instance's 10 s point is the mean and the peak of ten readings rather than one second in ten;
 * at each 10 s boundary it reads the host (CPU since the previous round, memory, load, the
 * filesystem of BERTH_HOME) and writes the round in one transaction. Check latencies arrive from
 * the check scheduler through {@link #checkFinished}.
 *
 * <p>The host is read from /proc rather than through {@link HostStats} (OSHI), which the daemon
 * loads only for host checks: see {@link HostReadings} for the measurement and why the numbers
 * are the same ones.
 *
 * <p>One platform thread (daemon), woken once a second; a reading that fails (OSHI without its
 * native part, a gone mount) is skipped with a warning at most once a minute, never ends it.
 */
public final class HistorySampler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HistorySampler.class.getName());

    private final MetricsHistory history;
    private final Supplier<List<AppStatus>> apps;
    private final HostReadings host;
    private final Path home;
    private volatile boolean closed;
    private Thread thread;
    private long slot = -1;
    private long lastWarned = Long.MIN_VALUE;

    /**
     * @param apps what the supervisor shows of every app ({@code supervisor::status})
     * @param host the daemon's one HostStats, made on first use (the checks' one): asked for only
     *             where there is no /proc (see {@link HostReadings})
     * @param home BERTH_HOME: host/disk is the filesystem that holds it
     */
    public HistorySampler(MetricsHistory history, Supplier<List<AppStatus>> apps, Supplier<HostStats> host, Path home) {
        this(history, apps, new HostReadings(Path.of("/proc"), host), home);
    }

    HistorySampler(MetricsHistory history, Supplier<List<AppStatus>> apps, HostReadings host, Path home) {
        this.history = history;
        this.apps = apps;
        this.host = host;
        this.home = home;
    }

    /** Starts the sampling thread. */
    public synchronized HistorySampler start() {
        if (thread == null) thread = Thread.ofPlatform().daemon().name("berth-history").start(this::run);
        return this;
    }

    private void run() {
        while (!closed) {
            try {
                long now = history.clock().millis();
                Thread.sleep(1000 - Math.floorMod(now, 1000) + 50); // just past each second
                tick(history.clock().millis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | LinkageError e) {
                warn("metrics history: sampling failed: " + e);
            }
        }
    }

    /** One second of sampling: the instances; at a new 10 s slot the host, and the slots just completed are written. */
    synchronized void tick(long nowMillis) {
        observeInstances(nowMillis);
        long current = Math.floorDiv(nowMillis, MetricsHistory.SLOT_SECONDS * 1000);
        if (current == slot) return;
        if (slot >= 0) {
            observeHost(current * MetricsHistory.SLOT_SECONDS * 1000 - 1); // measured over the slot that just ended
            history.flush(nowMillis);
        } else {
            primeHostCpu(); // so that the first round has the CPU since now
        }
        slot = current;
    }

    private void observeInstances(long at) {
        for (AppStatus a : apps.get()) {
            for (InstanceStatus i : a.instances()) {
                if (i.cpuPercent() != null) history.record(SeriesNames.app(a.name(), i.index(), "cpu"), at, i.cpuPercent());
                if (i.memoryBytes() != null) history.record(SeriesNames.app(a.name(), i.index(), "rss"), at, i.memoryBytes());
            }
        }
    }

    private void observeHost(long at) {
        try {
            host.cpuPercent().ifPresent(v -> history.record(SeriesNames.host("cpu"), at, v));
            history.record(SeriesNames.host("mem"), at, host.memoryPercent());
            host.load1().ifPresent(v -> history.record(SeriesNames.host("load1"), at, v));
        } catch (IOException | RuntimeException | LinkageError e) {
            warn("metrics history: cannot read the host's CPU, memory and load: " + e);
        }
        try {
            history.record(SeriesNames.host("disk"), at, disk(home).usedPercent());
        } catch (IOException | RuntimeException e) {
            warn("metrics history: cannot read the disk of " + home + ": " + e);
        }
    }

    private void primeHostCpu() {
        try {
            host.cpuPercent();
        } catch (IOException | RuntimeException | LinkageError e) {
            warn("metrics history: cannot read the host's CPU: " + e);
        }
    }

    /** The filesystem holding path, by one statvfs (not OSHI's list of every mount), with df's used share. */
    static MountUsage disk(Path path) throws IOException {
        FileStore fs = Files.getFileStore(path);
        return MountUsage.of(fs.name(), fs.type(), fs.name(), fs.getTotalSpace(), fs.getUnallocatedSpace(), fs.getUsableSpace(), 0, 0);
    }

    /**
     * A check's run finished: its latency, for the checks that measure one (HTTP, TCP, TLS, a
     * command). The others (host, disk, an app's state, a backup's age, heartbeats) read numbers
     * the daemon already has, in microseconds: a series of zeros would only take room.
     */
    public void checkFinished(CheckSpec spec, ProbeResult result) {
        CheckSpec.Probe p = spec.probe();
        if (p instanceof CheckSpec.Http || p instanceof CheckSpec.Tcp || p instanceof CheckSpec.Tls || p instanceof CheckSpec.Command) {
            history.recordCheck(spec.name(), history.clock().millis(), result.latencyMillis());
        }
    }

    private void warn(String message) {
        long now = System.currentTimeMillis();
        synchronized (this) {
            if (now - lastWarned < 60_000) return;
            lastWarned = now;
        }
        LOG.warning(message);
    }

    /** Stops the thread; what it read is written when the history closes. */
    @Override public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) return;
        t.interrupt();
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
