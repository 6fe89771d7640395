package dev.berth.monitor.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * CPU busy percent, all CPUs together, since the previous reading of the shared {@link HostStats}.
 *
 * @param used limits in percent; warning 80, critical 95 when null
 */
public record CpuProbe(HostStats host, Thresholds used) implements HostProbe {

    public static final Thresholds DEFAULT_USED = Thresholds.above(80.0, 95.0);

    public CpuProbe {
        Objects.requireNonNull(host, "host");
        used = used == null ? DEFAULT_USED : used;
    }

    @Override
    public ProbeResult run(Duration timeout) {
        long t0 = System.nanoTime();
        try {
            double percent = host.cpuUsedPercent();
            return ProbeResult.judged("cpu", percent, "%", used, BoundedCall.elapsedMillis(t0));
        } catch (RuntimeException | LinkageError e) {
            return ProbeResult.failed("cannot read cpu usage: " + Failures.describe(e), BoundedCall.elapsedMillis(t0));
        }
    }
}
