package dev.berth.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.monitor.probe.HostStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's numbers from /proc files written here, and from OSHI where there is no /proc. */
class HostReadingsTest {
    @TempDir Path proc;

    HostReadings readings() {
        return new HostReadings(proc, () -> {
            throw new AssertionError("OSHI is not asked for where /proc is");
        });
    }

    void stat(String cpuLine) throws IOException {
        Files.writeString(proc.resolve("stat"), cpuLine + "\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 12345\n");
    }

    @Test void cpuIsTheShareOfTicksNeitherIdleNorIowaitSinceThePreviousReading() throws Exception {
        HostReadings r = readings();
        stat("cpu  1000 10 500 8000 100 0 50 5 40 0");
        assertEquals(OptionalDouble.empty(), r.cpuPercent(), "nothing to compare with yet");
        // +300 user, +0 nice, +100 system, +500 idle, +100 iowait, +0 irq, +0 softirq, +0 steal (guest +99 is in user already)
        stat("cpu  1300 10 600 8500 200 0 50 5 139 0");
        assertEquals(40.0, r.cpuPercent().getAsDouble(), 1e-9);
        stat("cpu  1300 10 600 8500 200 0 50 5 139 0");
        assertEquals(0.0, r.cpuPercent().getAsDouble(), "no tick at all: idle, not a division by zero");
    }

    @Test void memoryCountsWhatIsAvailableAsFreeAndLoadIsTheFirstField() throws Exception {
        Files.writeString(proc.resolve("stat"), "cpu  1 1 1 1 1 1 1 1 0 0\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal:       8000000 kB\nMemFree:         500000 kB\nMemAvailable:   6000000 kB\n");
        Files.writeString(proc.resolve("loadavg"), "0.73 1.20 1.31 2/345 6789\n");
        assertEquals(25.0, readings().memoryPercent(), 1e-9);
        assertEquals(0.73, readings().load1().getAsDouble());
    }

    @Test void aMalformedFileIsAnErrorNotANumber() throws Exception {
        Files.writeString(proc.resolve("stat"), "intr 1 2 3\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal: 100 kB\n");
        Files.writeString(proc.resolve("loadavg"), "n/a\n");
        assertThrows(IOException.class, () -> readings().cpuPercent());
        assertThrows(IOException.class, () -> readings().memoryPercent());
        assertThrows(IOException.class, () -> readings().load1());
    }

    @Test void withoutProcItAsksHostStats() throws Exception {
        HostStats oshi = new HostStats();
        HostReadings r = new HostReadings(proc.resolve("missing"), () -> oshi);
        double mem = r.memoryPercent();
        assertTrue(mem > 0 && mem <= 100, "memory " + mem);
        assertTrue(r.cpuPercent().isPresent());
        assertTrue(r.load1().getAsDouble() >= 0);
    }

    @Test void theRealProcReadsLikeOshi() throws Exception {
        HostReadings r = new HostReadings(Path.of("/proc"), HostStats::new);
        double ours = r.memoryPercent();
        double oshi = new HostStats().memoryUsedPercent();
        assertEquals(oshi, ours, 2.0, "the same measure, read a moment apart");
        assertEquals(new HostStats().loadAverage().orElseThrow().one(), r.load1().getAsDouble(), 0.5);
    }
}
