package dev.berth.supervisor;

/**
 * What `status` shows about one instance.
 *
 * @param cpuPercent  CPU of the process tree since the previous sample, or null until it has been sampled twice
 * @param memoryBytes resident memory of the process tree, or null until it has been sampled (and when it is not up)
 */
public record InstanceStatus(String app, int index, Long pid, String state, long uptimeMillis, int restarts,
                             Double cpuPercent, Long memoryBytes, Integer port, boolean adopted, String reason,
                             Integer lastExitCode, String envChanges, long startedAtMillis) { }
