package dev.berth.backup;

/** Where backup problems go as alert events (the monitoring capability sends them on). */
@FunctionalInterface
public interface BackupAlerts {
    /** kind: backup_failed, backup_missed, drill_failed. */
    void raise(String backup, String kind, String message);
}
