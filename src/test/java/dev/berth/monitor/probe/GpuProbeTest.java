package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuProbeTest {
    /** What nvidia-smi prints for the probe's query on a two-GPU host (one board without utilization). */
    private static final String TWO_GPUS = """
            0, NVIDIA GeForce RTX 3090, 35, 1024, 24576
            1, Tesla T4, [N/A], 15000, 15360

            """;

    @Test
    void parsesNvidiaSmiLines() {
        List<GpuReading> gpus = GpuReading.parseNvidiaSmi(TWO_GPUS);
        assertEquals(2, gpus.size());
        assertEquals(new GpuReading(0, "NVIDIA GeForce RTX 3090", 35.0, 1024.0, 24576.0), gpus.get(0));
        assertEquals(new GpuReading(1, "Tesla T4", null, 15000.0, 15360.0), gpus.get(1));
        assertEquals(97.66, gpus.get(1).memoryUsedPercent(), 0.01);
        assertEquals("A100, SXM4", GpuReading.parseNvidiaSmi("3, A100, SXM4, 0, 0, 40960").get(0).name(),
                "a comma in the name");
        assertNull(GpuReading.parseNvidiaSmi("0, X, 5, [Not Supported], [Not Supported]").get(0).memoryUsedPercent());
    }

    @Test
    void refusesOutputOfAnotherShape() {
        assertThrows(IllegalArgumentException.class, () -> GpuReading.parseNvidiaSmi("index, name, utilization.gpu"));
        assertThrows(IllegalArgumentException.class, () -> GpuReading.parseNvidiaSmi("zero, X, 1, 2, 3"));
    }

    @Test
    void theWorstGpuWinsAndIsNamed() {
        ProbeResult r = new GpuProbe(null, null).judge(GpuReading.parseNvidiaSmi(TWO_GPUS), 5);
        assertEquals(CheckState.CRITICAL, r.state());
        assertEquals(97.66, r.value(), 0.01);
        assertEquals("gpu 1 (Tesla T4) memory 97.7% used > 95% (critical); worst of 2 GPUs", r.message());

        ProbeResult busy = new GpuProbe(Thresholds.above(30.0, 90.0), Thresholds.above(99.0, 99.5))
                .judge(GpuReading.parseNvidiaSmi("0, NVIDIA GeForce RTX 3090, 35, 1024, 24576"), 5);
        assertEquals(CheckState.WARNING, busy.state());
        assertEquals(35.0, busy.value());
        assertEquals("gpu 0 (NVIDIA GeForce RTX 3090) utilization 35% > 30% (warning), memory 4.17% used < 99% (ok)",
                busy.message());
    }

    @Test
    void runsTheQueryCommandAndJudgesItsOutput(@TempDir Path tmp) throws Exception {
        Path fake = script(tmp, "fake-nvidia-smi", "cat <<'EOF'\n" + TWO_GPUS + "EOF\n");
        ProbeResult r = new GpuProbe(null, null).query(List.of(fake.toString()), Duration.ofSeconds(5));
        assertEquals(CheckState.CRITICAL, r.state(), r.message());
        assertTrue(r.message().startsWith("gpu 1 (Tesla T4)"), r.message());

        Path broken = script(tmp, "broken-nvidia-smi",
                "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"; exit 9\n");
        ProbeResult failed = new GpuProbe(null, null).query(List.of(broken.toString()), Duration.ofSeconds(5));
        assertEquals(CheckState.CRITICAL, failed.state());
        assertTrue(failed.message().startsWith("nvidia-smi failed with exit 9: NVIDIA-SMI has failed"), failed.message());
    }

    private static Path script(Path dir, String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void withoutNvidiaSmiThereIsNothingToWatch() {
        ProbeResult r = new GpuProbe(null, null).run(Duration.ofSeconds(5));
        if (GpuProbe.applicable()) {
            assertTrue(r.measured() || r.state() == CheckState.CRITICAL, "a GPU host measures or fails: " + r.message());
        } else {
            assertEquals(CheckState.OK, r.state());
            assertFalse(r.measured());
            assertEquals("not applicable: no nvidia-smi on PATH, no GPU to watch", r.message());
        }
    }
}
