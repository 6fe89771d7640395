package dev.berth.store;

/** Something that happened to an app: started, exited, restarted and why. */
public record StoredEvent(long at, String app, Integer index, String kind, String message) { }
