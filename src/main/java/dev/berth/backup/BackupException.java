package dev.berth.backup;

/** A backup that did not complete, with the dump tool's own words where it has any. */
public final class BackupException extends Exception {
    public BackupException(String message) {
        super(message);
    }
}
