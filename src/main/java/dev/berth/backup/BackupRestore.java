package dev.berth.backup;

/**
 * A restore's outcome, or (confirm) what it would overwrite when not yet confirmed. safety is the
 * backup taken of the state it overwrote, when one was.
 */
public record BackupRestore(long id, String name, String file, String overwrites, boolean safetyBackup, BackupRun safety,
                            boolean confirm, String error) {
    public boolean ok() { return error == null; }
}
