package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reads this machine through OSHI; the numbers must be sane, not particular. */
class HostStatsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static HostStats host;

    @BeforeAll
    static void readThisHost() {
        host = new HostStats();
    }

    private static void assertPercent(double value, String what) {
        assertTrue(value >= 0 && value <= 100, what + " is a percent: " + value);
    }

    @Test
    void cpuUsageIsAPercentFirstSampledThenSinceTheLastCall() throws InterruptedException {
        assertPercent(host.cpuUsedPercent(), "first cpu reading");
        Thread.sleep(150);
        assertPercent(host.cpuUsedPercent(), "cpu since the previous reading");
        long t0 = System.nanoTime();
        host.cpuUsedPercent();
        assertTrue(System.nanoTime() - t0 < 150_000_000L, "later readings do not sleep");
    }

    @Test
    void cpuBusyIsTheShareOfTicksNotIdleNorWaitingForIo() {
        // ticks in OSHI's order: user, nice, system, idle, iowait, irq, softirq, steal
        long[] before = {100, 0, 50, 1000, 10, 0, 0, 0};
        long[] after = {160, 0, 70, 1100, 30, 0, 0, 0};
        assertEquals(40.0, HostStats.busyPercent(before, after), 1e-9, "80 busy of 200 ticks");
        assertEquals(0.0, HostStats.busyPercent(after, after), "no ticks went by");
    }

    @Test
    void memoryAndSwapAreSane() {
        assertPercent(host.memoryUsedPercent(), "memory");
        assertTrue(host.memoryUsedPercent() > 0, "this JVM alone uses some memory");
        OptionalDouble swap = host.swapUsedPercent();
        swap.ifPresent(v -> assertPercent(v, "swap"));
    }

    @Test
    void loadAverageHasTheCoresOfThisMachine() {
        LoadAverage load = host.loadAverage().orElseThrow(() -> new AssertionError("Linux has load averages"));
        assertEquals(Runtime.getRuntime().availableProcessors() > 0, load.cores() >= 1);
        assertTrue(load.one() >= 0 && load.five() >= 0 && load.fifteen() >= 0, load.toString());
        assertEquals(load.five() / load.cores(), load.perCore(), 1e-9);
    }

    @Test
    void mountsIncludeRootWithSaneNumbers() {
        List<MountUsage> mounts = host.mounts();
        assertTrue(mounts.stream().anyMatch(m -> m.mount().equals("/")), "mounts: " + mounts);
        for (MountUsage m : mounts) {
            assertPercent(m.usedPercent(), m.mount() + " used");
            if (m.inodesUsedPercent() != null) assertPercent(m.inodesUsedPercent(), m.mount() + " inodes");
            assertTrue(HostStats.isDisk(m.mount(), m.type()), "only real disks: " + m);
            assertTrue(m.totalBytes() > 0, m.toString());
        }
        assertEquals(mounts.stream().map(MountUsage::volume).distinct().count(), mounts.size(), "each filesystem once");
    }

    @Test
    void aPathIsOnTheFilesystemThatHoldsIt(@TempDir Path tmp) throws Exception {
        MountUsage m = host.mountContaining(tmp.toString());
        assertTrue(tmp.toRealPath().startsWith(m.mount()), m.mount() + " holds " + tmp);
        assertEquals("/", host.mountContaining("/").mount());
        assertThrows(NoSuchFileException.class, () -> host.mountContaining("/no/such/path/here"));
    }

    @ParameterizedTest(name = "{1} at {0}: disk = {2}")
    @CsvSource({
            "/, ext4, true", "/, overlay, true", "/data, xfs, true", "/boot/efi, vfat, true", "/mnt/win, fuseblk, true",
            "/dev/shm, tmpfs, false", "/run, tmpfs, false", "/snap/core/1, squashfs, false",
            "/var/lib/docker/overlay2/x/merged, overlay, false", "/var/lib/lxcfs, fuse.lxcfs, false",
            "/sys/fs/cgroup, cgroup2, false", "/proc, proc, false", "/media/cdrom, iso9660, false"})
    void whichMountsAreDisks(String mount, String type, boolean disk) {
        assertEquals(disk, HostStats.isDisk(mount, type));
    }

    @Test
    void usedPercentIsReckonedAsDfDoes() {
        // the numbers of a real ext4 root: df says 22% used (reserved blocks count as full)
        MountUsage m = MountUsage.of("/", "ext4", "/dev/vda", 270553174016L, 246861946880L, 85253066752L, 16777216, 16365639);
        assertEquals(21.75, m.usedPercent(), 0.01);
        assertEquals(2.45, m.inodesUsedPercent(), 0.01);
        assertNull(MountUsage.of("/", "btrfs", "/dev/sda", 100, 50, 40, 0, 0).inodesUsedPercent(), "btrfs has no inode table");
    }

    @Test
    void hostProbesJudgeWhatHostStatsReads() {
        ProbeResult cpu = new HostPercentProbe(host, HostPercentProbe.Measure.CPU, null).run(TIMEOUT);
        assertEquals("%", cpu.unit());
        assertPercent(cpu.value(), "cpu probe");
        assertTrue(cpu.message().startsWith("cpu "), cpu.message());
        assertEquals(HostPercentProbe.Measure.CPU.defaults.state(cpu.value()), cpu.state());

        // a warning limit of 0% is reached by any reading
        ProbeResult memory = new HostPercentProbe(host, HostPercentProbe.Measure.MEMORY, Thresholds.above(0.0, null)).run(TIMEOUT);
        assertEquals(CheckState.WARNING, memory.state(), memory.message());
        assertTrue(memory.message().matches("memory [\\d.]+% >=? 0% \\(warning\\)"), memory.message());

        ProbeResult swap = new HostPercentProbe(host, HostPercentProbe.Measure.SWAP, null).run(TIMEOUT);
        if (host.swapUsedPercent().isEmpty()) {
            assertEquals(CheckState.OK, swap.state());
            assertEquals("no swap configured (ok)", swap.message());
        } else {
            assertPercent(swap.value(), "swap probe");
        }

        ProbeResult load = new LoadProbe(host, Thresholds.above(null, 1000.0)).run(TIMEOUT);
        assertEquals(CheckState.OK, load.state(), load.message());
        assertTrue(load.message().contains("5-minute average") && load.message().endsWith("< 1000 per core (ok)"), load.message());
    }

    @Test
    void diskProbeNamesTheMountAndTheWorstWins() {
        ProbeResult root = new DiskProbe(host, "/", Thresholds.above(null, 0.0), null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, root.state(), root.message());
        assertTrue(root.message().startsWith("disk / "), root.message());

        ProbeResult all = new DiskProbe(host, null, null, null).run(TIMEOUT);
        assertTrue(host.mounts().stream().anyMatch(m -> all.message().startsWith("disk " + m.mount() + " ")), all.message());
        double worst = host.mounts().stream().mapToDouble(MountUsage::usedPercent).max().orElseThrow();
        assertEquals(worst, all.value(), 1.0, "the fullest disk is the one reported");

        ProbeResult missing = new DiskProbe(host, "/no/such/mount", null, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, missing.state());
        assertEquals("disk /no/such/mount: no such mount or path", missing.message());
    }

    @Test
    void inodesWorseThanSpaceGiveTheStateAndTheValue() {
        DiskProbe probe = new DiskProbe(host, null, null, null);
        ProbeResult r = probe.judge(new MountUsage("/var", "ext4", "/dev/sdb", 1000, 600, 40.0, 96.5), 1);
        assertEquals(CheckState.CRITICAL, r.state());
        assertEquals(96.5, r.value());
        assertEquals("disk /var 40% used < 90% (ok), inodes 96.5% used > 95% (critical)", r.message());
    }
}
