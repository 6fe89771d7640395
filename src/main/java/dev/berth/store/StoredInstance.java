package dev.berth.store;

/** The last known facts about one instance, enough for a new daemon to adopt it. */
public record StoredInstance(String app, int index, Long pid, Long startTicks, Long startedAt, Integer port,
                             int restarts, String state, String reason, String envDigestJson, String envChanges) { }
