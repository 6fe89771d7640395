package dev.berth.backup;

/**
 * An archive retention removed (or, in a dry run, would remove): a file on this machine, or
 * (offsite) a copy at the s3:// location. error: why it could not be deleted.
 */
public record PrunedArchive(long id, String name, boolean offsite, String location, String error) { }
