package dev.berth.monitor;

import dev.berth.monitor.probe.HostStats;
import java.util.List;

/**
 * What the checks that are not plain probes need to know: apps from the supervisor, backups
 * from the catalog, heartbeats from the store. The daemon answers from its own state; `berth
 * check` without a daemon answers what it can (no app is supervised then).
 */
public interface CheckContext {
    /** An app's instances as the supervisor sees them; null when it is not supervised. */
    record AppHealth(int online, int total, int restartsLastHour, String state) { }

    AppHealth app(String name);

    /** When the newest good archive of a backup was taken (epoch ms), or null. */
    Long lastGoodBackup(String name);

    /** Archive files of a backup in its directory that no catalog row names (see BackupReconciler). */
    default List<String> unknownArchives(String name) {
        return List.of();
    }

    /** When the heartbeat was last called (epoch ms), or null. */
    Long lastBeat(String name);

    /** When the daemon began watching (epoch ms): a heartbeat never called counts from then. */
    long watchingSince();

    HostStats host();
}
