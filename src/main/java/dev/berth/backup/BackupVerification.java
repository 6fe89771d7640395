package dev.berth.backup;


/**
 * What a verify found: the checksum ("ok" or what differs), read from offsite (an s3:// address)
 * when set, and with a drill, what the drill found.
 */
public record BackupVerification(long id, String name, String file, String offsite, String checksum, DrillFindings drill, String error) {
    /** Nothing went wrong and the checksum matched. */
    public boolean ok() {
        return error == null && "ok".equals(checksum);
    }
}
