package dev.berth.monitor.probe;

/**
 * The kernel's run-queue averages over 1, 5 and 15 minutes, and the number of logical CPUs
 * that share them.
 */
public record LoadAverage(double one, double five, double fifteen, int cores) {

    /**
     * The 5-minute average per logical CPU: 1 means every CPU busy. The 5-minute average rather
     * than the 1-minute one, so that a short burst (a deploy, a cron job) does not page anyone.
     */
    public double perCore() {
        return five / Math.max(1, cores);
    }
}
