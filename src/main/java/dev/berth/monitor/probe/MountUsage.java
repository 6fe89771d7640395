package dev.berth.monitor.probe;

/**
 * How full one mounted filesystem is.
 *
 * @param usedPercent       space used as df shows it: used / (used + available to users), so
 *                          the blocks reserved for root count as full
 * @param inodesUsedPercent inodes used, or null for filesystems without a fixed inode table
 *                          (btrfs, some network and FUSE filesystems report none)
 */
public record MountUsage(String mount, String type, String volume, long totalBytes, long availableBytes,
                         double usedPercent, Double inodesUsedPercent) {

    /** From statvfs-style numbers: total, free (incl. reserved) and available bytes; total and free inodes. */
    public static MountUsage of(String mount, String type, String volume, long totalBytes, long freeBytes,
                                long availableBytes, long totalInodes, long freeInodes) {
        long used = Math.max(0, totalBytes - freeBytes);
        long usable = used + Math.max(0, availableBytes);
        double usedPercent = usable == 0 ? 0 : 100.0 * used / usable;
        Double inodes = totalInodes <= 0 ? null : 100.0 * Math.max(0, totalInodes - freeInodes) / totalInodes;
        return new MountUsage(mount, type, volume, totalBytes, availableBytes, usedPercent, inodes);
    }
}
