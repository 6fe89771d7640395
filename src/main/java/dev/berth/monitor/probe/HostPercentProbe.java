package dev.berth.monitor.probe;

import dev.berth.http.FailureText;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A host measure in percent, read through the shared {@link HostStats}: CPU busy (all CPUs,
 * since the previous reading), memory in use (what the kernel reports as available counts as
 * free, so a full page cache is not pressure), or swap in use (a host without swap is OK, with
 * no value and a message saying so).
 *
 * @param used limits in percent; the measure's defaults when null
 */
public record HostPercentProbe(HostStats host, Measure measure, Thresholds used) implements HostProbe {

    /** What is measured, with its default limits. */
    public enum Measure {
        CPU("cpu", Thresholds.above(80.0, 95.0)),
        MEMORY("memory", Thresholds.above(85.0, 95.0)),
        SWAP("swap", Thresholds.above(50.0, 80.0));

        final String label;
        public final Thresholds defaults;

        Measure(String label, Thresholds defaults) {
            this.label = label;
            this.defaults = defaults;
        }
    }

    public HostPercentProbe {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(measure, "measure");
        used = used == null ? measure.defaults : used;
    }

    @Override
    public ProbeResult run(Duration timeout) {
        long t0 = System.nanoTime();
        try {
            OptionalDouble percent = switch (measure) {
                case CPU -> OptionalDouble.of(host.cpuUsedPercent());
                case MEMORY -> OptionalDouble.of(host.memoryUsedPercent());
                case SWAP -> host.swapUsedPercent();
            };
            if (percent.isEmpty()) {
                return new ProbeResult(CheckState.OK, null, "%", "no swap configured (ok)", BoundedCall.elapsedMillis(t0));
            }
            return ProbeResult.judged(measure.label, percent.getAsDouble(), "%", used, BoundedCall.elapsedMillis(t0));
        } catch (RuntimeException | LinkageError e) {
            return ProbeResult.failed("cannot read " + measure.label + " usage: " + FailureText.describe(e), BoundedCall.elapsedMillis(t0));
        }
    }
}
