package dev.berth.backup;

import java.util.List;

/**
 * One backup run's outcome. id is null when the catalog never took the run, archive when the
 * run wrote none; offsite is the copy's s3:// address once uploaded. ok is error == null.
 */
public record BackupRun(String name, Long id, Archive archive, String offsite, List<OffsiteRetry> offsiteRetried,
                        List<PrunedArchive> offsitePruned, String error, List<PrunedArchive> pruned) {
    /** The archive a good run wrote. */
    public record Archive(String file, long bytes, String sha256, long durationMillis, String toolVersion, String serverVersion) { }

    public boolean ok() { return error == null; }

    /** A run refused before it began (another run of the same backup is going). */
    static BackupRun refused(String name, String error) {
        return new BackupRun(name, null, null, null, List.of(), List.of(), error, List.of());
    }
}
