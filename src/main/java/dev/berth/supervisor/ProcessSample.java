package dev.berth.supervisor;

/**
 * Resource use of one process tree at one moment, summed over the root and its live descendants.
 *
 * @param rssBytes     resident memory (statm resident pages * page size); shared pages are counted
 *                     once per process, like PM2 and top do, so it can exceed what the tree really uses
 * @param cpuTicks     utime + stime in clock ticks ({@link ProcessTree#clockTicksPerSecond()})
 *                     of the processes alive now; CPU of children that already exited is not included
 * @param processCount how many processes were read (0 when the root is gone)
 */
public record ProcessSample(long rssBytes, long cpuTicks, int processCount) {

    public static final ProcessSample NONE = new ProcessSample(0, 0, 0);
}
