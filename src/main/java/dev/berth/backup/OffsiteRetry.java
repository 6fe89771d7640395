package dev.berth.backup;

/** An earlier archive whose off-site upload failed, uploaded again: its key there, or why not. */
public record OffsiteRetry(long id, String key, String error) {
    public boolean ok() { return error == null; }
}
