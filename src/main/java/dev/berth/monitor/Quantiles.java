package dev.berth.monitor;

/** Quantiles of a sample by the nearest-rank method: always a value that was measured, never an interpolation. */
public final class Quantiles {
    private Quantiles() { }

    /** The q-quantile (0 < q <= 1) of sorted, 0 for an empty sample. */
    public static long nearestRank(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
    }
}
