package dev.berth.monitor.probe;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Swap in use. A host without swap is OK, with no value and a message saying so.
 *
 * @param used limits in percent; warning 50, critical 80 when null
 */
public record SwapProbe(HostStats host, Thresholds used) implements HostProbe {

    public static final Thresholds DEFAULT_USED = Thresholds.above(50.0, 80.0);

    public SwapProbe {
        Objects.requireNonNull(host, "host");
        used = used == null ? DEFAULT_USED : used;
    }

    @Override
    public ProbeResult run(Duration timeout) {
        long t0 = System.nanoTime();
        try {
            OptionalDouble percent = host.swapUsedPercent();
            if (percent.isEmpty()) {
                return new ProbeResult(CheckState.OK, null, "%", "no swap configured (ok)", BoundedCall.elapsedMillis(t0));
            }
            return ProbeResult.judged("swap", percent.getAsDouble(), "%", used, BoundedCall.elapsedMillis(t0));
        } catch (RuntimeException | LinkageError e) {
            return ProbeResult.failed("cannot read swap usage: " + Failures.describe(e), BoundedCall.elapsedMillis(t0));
        }
    }
}
