package dev.berth.monitor.probe;

/** What a {@link LogErrorRateProbe} judges. */
public enum ErrorRateMode {
    /** The number of matching lines in the window ("more than 50 errors in 5 minutes"). */
    COUNT,
    /** Matching lines as a percent of all lines in the window ("error rate above 10%"). */
    PERCENT
}
