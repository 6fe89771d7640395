package dev.berth.monitor.probe;

import dev.berth.http.FailureText;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Lines of a log file that match a pattern within the last window, as a count or as a percent
 * of all lines. Cheap on big logs: only the bytes written since the previous run are read (see
 * {@link LogTail} for how rotation and truncation are followed). A line matches when the
 * pattern is found anywhere in it.
 *
 * <p>The probe is long-lived: its {@code tail} carries the file position and the recent counts
 * from one run to the next, so the same instance must be run each time. The first run starts at
 * the end of the file and reports 0.
 *
 * @param threshold limits on the count (COUNT) or on the percent (PERCENT); higher is worse
 * @param mode      COUNT when null
 * @param tail      the state between runs; a new one when null
 */
public record LogErrorRateProbe(Path logFile, Pattern pattern, Duration window, Thresholds threshold,
                                ErrorRateMode mode, LogTail tail) implements Probe {

    public LogErrorRateProbe {
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(threshold, "threshold");
        if (window == null || window.isNegative() || window.isZero()) throw new IllegalArgumentException("the window must be positive");
        if (!threshold.higherIsWorse()) throw new IllegalArgumentException("an error rate: higher is worse");
        mode = mode == null ? ErrorRateMode.COUNT : mode;
        tail = tail == null ? new LogTail() : tail;
    }

    public LogErrorRateProbe(Path logFile, Pattern pattern, Duration window, Thresholds threshold, ErrorRateMode mode) {
        this(logFile, pattern, window, threshold, mode, null);
    }

    @Override
    public ProbeResult run(Duration timeout) {
        long t0 = System.nanoTime();
        LogTail.Window counted;
        try {
            counted = tail.poll(logFile, pattern, window, t0 + timeout.toNanos());
        } catch (NoSuchFileException e) {
            return ProbeResult.failed("log file " + logFile + " does not exist", BoundedCall.elapsedMillis(t0));
        } catch (IOException | RuntimeException e) {
            return ProbeResult.failed("cannot read " + logFile + ": " + FailureText.describe(e), BoundedCall.elapsedMillis(t0));
        }
        long millis = BoundedCall.elapsedMillis(t0);
        String span = "the last " + Quantities.duration(window) + " of " + logFile;
        if (mode == ErrorRateMode.COUNT) {
            double count = counted.matches();
            String message = Quantities.number(count) + " matching lines " + threshold.verdict(count, "")
                    + " in " + span + " (pattern /" + pattern.pattern() + "/, " + counted.lines() + " lines in all)";
            return new ProbeResult(threshold.state(count), count, "lines/" + Quantities.duration(window), message, millis);
        }
        double percent = counted.lines() == 0 ? 0 : 100.0 * counted.matches() / counted.lines();
        String message = "error rate " + Quantities.format(percent, "%") + " " + threshold.verdict(percent, "%") + ": "
                + (counted.lines() == 0 ? "no lines in " + span
                        : counted.matches() + " of " + counted.lines() + " lines in " + span + " match /" + pattern.pattern() + "/");
        return new ProbeResult(threshold.state(percent), percent, "%", message, millis);
    }
}
