package dev.berth.monitor.probe;

import dev.berth.http.FailureText;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The 5-minute load average per logical CPU ({@link LoadAverage#perCore}): 1 means every CPU
 * busy, above it work is queueing. Where the OS has no load average the result is OK with no value.
 *
 * @param perCore limits on load per core; warning 1.5, critical 3 when null
 */
public record LoadProbe(HostStats host, Thresholds perCore) implements HostProbe {

    public static final Thresholds DEFAULT_PER_CORE = Thresholds.above(1.5, 3.0);

    public LoadProbe {
        Objects.requireNonNull(host, "host");
        perCore = perCore == null ? DEFAULT_PER_CORE : perCore;
    }

    @Override
    public ProbeResult run(Duration timeout) {
        long t0 = System.nanoTime();
        try {
            Optional<LoadAverage> load = host.loadAverage();
            if (load.isEmpty()) {
                return new ProbeResult(CheckState.OK, null, "per core", "no load average on this OS (ok)",
                        BoundedCall.elapsedMillis(t0));
            }
            LoadAverage l = load.get();
            String what = "load " + Quantities.number(l.one()) + " " + Quantities.number(l.five()) + " "
                    + Quantities.number(l.fifteen()) + " on " + l.cores() + (l.cores() == 1 ? " core" : " cores")
                    + ", 5-minute average";
            return ProbeResult.judged(what, l.perCore(), "per core", perCore, BoundedCall.elapsedMillis(t0));
        } catch (RuntimeException | LinkageError e) {
            return ProbeResult.failed("cannot read load average: " + FailureText.describe(e), BoundedCall.elapsedMillis(t0));
        }
    }
}
