package dev.berth.supervisor;

/** What `status` shows about one instance. */
public record InstanceStatus(String app, int index, Long pid, String state, long uptimeMillis, int restarts,
                             double cpuPercent, long memoryBytes, Integer port, boolean adopted, String reason,
                             Integer lastExitCode, String envChanges, long startedAtMillis) { }
