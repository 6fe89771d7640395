package dev.berth.supervisor;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One process slot of an app. Mutable, guarded by its app's lock. `generation` grows with
 * every spawn so that late callbacks about an older process are ignored.
 */
final class Instance {
    final int index;
    /** A preflight process: started beside the app on a private port to try a release, never in a slot, never restarted. */
    final boolean trial;
    /**
     * Not in its slot (blue-green): a candidate that has not taken the slot yet, or one replaced
     * and draining. Never recorded (the slot's record is the serving instance's), never restarted.
     */
    boolean retired;
    /** What the current process was started from (see Spawner.launchOf); null when adopted. */
    String launch;
    Integer port;
    /** Changed only by {@link #move}: every change of state is one named, checked edge. */
    private InstanceState state = InstanceState.STOPPED;
    long generation;
    Long pid;
    /**
     * The process whose tree is measured, when it is not pid's: a container's first process (its
     * engine client, pid, is not its parent). Null until the engine has named it.
     */
    Long measuredPid;
    /** The container of a container app's instance (its client's BERTH_CONTAINER), or null. */
    String containerName;
    Long startTicks;
    Instant startedAt;
    boolean adopted;
    int restarts;
    /** Exits in a row that came before min_uptime. */
    int unstableExits;
    String reason;
    Integer lastExitCode;
    Map<String, String> envDigest = Map.of();
    String envChanges;
    /** Latest resource sample of the process tree. */
    long rssBytes;
    double cpuPercent;
    long lastSampleNanos;
    /**
     * The generation whose process rssBytes (and cpuPercent) were measured for: until the watcher
     * has sampled the current process, its memory is unknown, not 0. CPU needs a second sample.
     */
    long memoryGeneration = -1;
    long cpuGeneration = -1;
    /** Completes with null when the current process became ready, or with why it failed. */
    CompletableFuture<String> outcome;

    Instance(int index) { this(index, false); }

    Instance(int index, boolean trial) {
        this.index = index;
        this.trial = trial;
    }

    InstanceState state() { return state; }

    /** Takes the edge; IllegalStateException (and no change) when it does not start from the current state. */
    void move(Transition edge) {
        state = edge.from(state);
    }

    long uptimeMillis(Instant now) {
        return startedAt == null || !state.isUp() ? 0 : Math.max(0, now.toEpochMilli() - startedAt.toEpochMilli());
    }
}
