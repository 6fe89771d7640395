package dev.berth.backup;


/**
 * What a verify found: the checksum ("ok" or what differs), read from offsite (an s3:// address)
 * when set, and with a drill, what the drill found. ok is error == null and a checksum that matched.
 */
public record BackupVerification(long id, String name, String file, String offsite, String checksum, DrillFindings drill,
                                 boolean ok, String error) { }
