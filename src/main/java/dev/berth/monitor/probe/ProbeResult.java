package dev.berth.monitor.probe;

import java.util.Objects;

/**
 * One run of a probe.
 *
 * @param state         the verdict
 * @param value         the measured number the verdict is about (latency, percent, days...), or
 *                      null when the probe measured nothing (it failed, or does not apply here)
 * @param unit          the unit of {@code value}: "ms", "%", "days", "lines/5m", "exit code"...
 * @param message       human text naming the value, the threshold crossed and the state, e.g.
 *                      "latency 3412 ms > 3000 ms (critical)", or the error that stopped the probe
 * @param latencyMillis how long the probe itself took
 */
public record ProbeResult(CheckState state, Double value, String unit, String message, long latencyMillis) {

    public ProbeResult {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
    }

    /** A probe that could not measure (connection refused, timeout, DNS, no such file...). */
    public static ProbeResult failed(String message, long latencyMillis) {
        return new ProbeResult(CheckState.CRITICAL, null, null, message, latencyMillis);
    }

    /** "what VALUE op LIMIT (state)", judged by the thresholds. */
    static ProbeResult judged(String what, double value, String unit, Thresholds thresholds, long latencyMillis) {
        return new ProbeResult(thresholds.state(value), value, unit,
                what + " " + Quantities.format(value, unit) + " " + thresholds.verdict(value, unit), latencyMillis);
    }

    /** False when the probe had nothing to measure (failed, or not applicable on this host). */
    public boolean measured() {
        return value != null;
    }
}
