package dev.berth.monitor.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.VirtualMemory;
import oshi.software.os.FileSystem;
import oshi.software.os.OSFileStore;

/**
 * The host's CPU, memory, swap, load and filesystems, read through OSHI (/proc and statvfs on
 * Linux). The daemon creates one and shares it with every {@link HostProbe}: it keeps the CPU
 * tick counts between calls, so a caller that asks every cycle gets the CPU usage since its
 * previous call without waiting.
 *
 * <p>Which mounts count as disks ({@link #mounts}): local filesystems only (a statvfs on a
 * dead NFS server hangs; network storage is better checked where it lives), and not the ones
 * that are not disk space: RAM-backed (tmpfs, ramfs, devtmpfs — memory checks cover them),
 * kernel interfaces (proc, sysfs, cgroup...), read-only images that are always 100% full
 * (squashfs snaps, iso9660), FUSE filesystems other than fuseblk (lxcfs, gvfs, sshfs) and
 * overlay mounts. The root filesystem is always kept whatever its type, since in a container
 * it is an overlay and is exactly the disk the applications fill. A filesystem mounted at
 * several places (bind mounts, btrfs subvolumes) is listed once, at its shortest mount path.
 */
public final class HostStats {
    /** The first CPU reading has no previous ticks to compare with, so it samples this long. */
    private static final long FIRST_SAMPLE_MILLIS = 200;
    /** Readings closer together than this reuse the last one, rather than dividing tiny tick counts. */
    private static final long MIN_SAMPLE_NANOS = 100_000_000L;

    static final Set<String> NOT_DISKS = Set.of(
            "tmpfs", "ramfs", "devtmpfs", "devpts", "proc", "sysfs", "cgroup", "cgroup2", "securityfs", "pstore",
            "bpf", "tracefs", "debugfs", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs", "binfmt_misc",
            "efivarfs", "rpc_pipefs", "nsfs", "squashfs", "iso9660", "udf", "overlay", "aufs");

    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final FileSystem fileSystem;

    private long[] previousTicks;
    private long previousNanos;
    private double lastCpuPercent;

    public HostStats() {
        SystemInfo system = new SystemInfo();
        this.processor = system.getHardware().getProcessor();
        this.memory = system.getHardware().getMemory();
        this.fileSystem = system.getOperatingSystem().getFileSystem();
    }

    /**
     * CPU busy percent (0-100, all CPUs together) since the previous call; the first call
     * samples for about 200 ms.
     */
    public synchronized double cpuUsedPercent() {
        if (previousTicks == null) {
            previousTicks = processor.getSystemCpuLoadTicks();
            previousNanos = System.nanoTime();
            try {
                Thread.sleep(FIRST_SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (System.nanoTime() - previousNanos < MIN_SAMPLE_NANOS) {
            return lastCpuPercent;
        }
        long[] ticks = processor.getSystemCpuLoadTicks();
        lastCpuPercent = busyPercent(previousTicks, ticks);
        previousTicks = ticks;
        previousNanos = System.nanoTime();
        return lastCpuPercent;
    }

    /**
     * The share of CPU ticks between two readings that were not idle; waiting for I/O counts as
     * idle, as top shows it (the CPU could have run something else).
     */
    static double busyPercent(long[] before, long[] after) {
        long total = 0;
        for (int i = 0; i < after.length; i++) total += Math.max(0, after[i] - before[i]);
        int idle = CentralProcessor.TickType.IDLE.getIndex();
        int iowait = CentralProcessor.TickType.IOWAIT.getIndex();
        long idleTicks = Math.max(0, after[idle] - before[idle]) + Math.max(0, after[iowait] - before[iowait]);
        return total == 0 ? 0 : clampPercent(100.0 * (total - idleTicks) / total);
    }

    /** Memory in use: (total - available) / total, where available counts reclaimable cache as free. */
    public double memoryUsedPercent() {
        long total = memory.getTotal();
        return total <= 0 ? 0 : clampPercent(100.0 * (total - memory.getAvailable()) / total);
    }

    /** Swap in use, or empty when the host has no swap. */
    public OptionalDouble swapUsedPercent() {
        VirtualMemory virtual = memory.getVirtualMemory();
        long total = virtual.getSwapTotal();
        return total <= 0 ? OptionalDouble.empty() : OptionalDouble.of(clampPercent(100.0 * virtual.getSwapUsed() / total));
    }

    /** The load averages, or empty where the OS has none (Windows). */
    public Optional<LoadAverage> loadAverage() {
        double[] load = processor.getSystemLoadAverage(3);
        if (load.length < 3 || load[0] < 0) return Optional.empty();
        return Optional.of(new LoadAverage(load[0], load[1], load[2], processor.getLogicalProcessorCount()));
    }

    /** Every real local disk, once each (see the class comment for which mounts count). */
    public List<MountUsage> mounts() {
        Map<String, MountUsage> byFilesystem = new LinkedHashMap<>();
        allLocal().stream()
                .filter(m -> isDisk(m.mount(), m.type()) && m.totalBytes() > 0)
                .sorted(Comparator.comparingInt((MountUsage m) -> m.mount().length()).thenComparing(MountUsage::mount))
                .forEach(m -> byFilesystem.putIfAbsent(m.volume() + "\n" + m.totalBytes(), m));
        List<MountUsage> out = new ArrayList<>(byFilesystem.values());
        out.sort(Comparator.comparing(MountUsage::mount));
        return out;
    }

    /**
     * The filesystem that holds {@code path}: the mount with the longest mount path that contains
     * it, among all local mounts (a path on a tmpfs is on that tmpfs, not on /).
     *
     * @throws NoSuchFileException when the path does not exist
     */
    public MountUsage mountContaining(String path) throws IOException {
        Path real = Path.of(path).toRealPath();
        MountUsage best = null;
        for (MountUsage m : allLocal()) {
            Path mount = Path.of(m.mount());
            if (real.startsWith(mount) && (best == null || mount.getNameCount() > Path.of(best.mount()).getNameCount())) {
                best = m;
            }
        }
        if (best == null) throw new NoSuchFileException(path, null, "on no local filesystem");
        return best;
    }

    /** Whether a mount of this type at this path is disk space worth watching (see the class comment). */
    static boolean isDisk(String mount, String type) {
        if (mount.equals("/")) return true;
        if (NOT_DISKS.contains(type)) return false;
        return !type.startsWith("fuse.") && !type.equals("fuse");
    }

    private List<MountUsage> allLocal() {
        List<MountUsage> out = new ArrayList<>();
        for (OSFileStore store : fileSystem.getFileStores(true)) {
            if (!Files.isDirectory(Path.of(store.getMount()))) continue; // a file bind mount (/etc/hosts in a container)
            out.add(MountUsage.of(store.getMount(), store.getType(), store.getVolume(), store.getTotalSpace(),
                    store.getFreeSpace(), store.getUsableSpace(), store.getTotalInodes(), store.getFreeInodes()));
        }
        return out;
    }

    private static double clampPercent(double value) {
        return Double.isNaN(value) ? 0 : Math.max(0, Math.min(100, value));
    }
}
