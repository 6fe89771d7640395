package dev.berth.monitor.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * Memory in use, counting what the kernel reports as available (free plus reclaimable cache)
 * as free, so a full page cache is not mistaken for pressure.
 *
 * @param used limits in percent; warning 85, critical 95 when null
 */
public record MemoryProbe(HostStats host, Thresholds used) implements HostProbe {

    public static final Thresholds DEFAULT_USED = Thresholds.above(85.0, 95.0);

    public MemoryProbe {
        Objects.requireNonNull(host, "host");
        used = used == null ? DEFAULT_USED : used;
    }

    @Override
    public ProbeResult run(Duration timeout) {
        long t0 = System.nanoTime();
        try {
            return ProbeResult.judged("memory", host.memoryUsedPercent(), "%", used, BoundedCall.elapsedMillis(t0));
        } catch (RuntimeException | LinkageError e) {
            return ProbeResult.failed("cannot read memory usage: " + Failures.describe(e), BoundedCall.elapsedMillis(t0));
        }
    }
}
