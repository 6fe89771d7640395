package dev.berth.supervisor;

import static dev.berth.supervisor.InstanceState.BACKOFF;
import static dev.berth.supervisor.InstanceState.ERRORED;
import static dev.berth.supervisor.InstanceState.RUNNING;
import static dev.berth.supervisor.InstanceState.STARTING;
import static dev.berth.supervisor.InstanceState.STOPPED;
import static dev.berth.supervisor.InstanceState.STOPPING;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every move an instance can make between its states, each one named edge (after supervisord).
 * An instance changes state only through {@link Instance#move}, which refuses an edge that does
 * not start from the state the instance is in: a spawn over a live process, a ready signal for
 * a process already given up on.
 */
enum Transition {
    /** A process was spawned for the slot; it is not running until it is ready or stayed up min_uptime. */
    SPAWN(EnumSet.of(STOPPED, BACKOFF, ERRORED), STARTING),
    /** The program could not be started at all (a missing directory, a port in use): nothing runs. */
    SPAWN_FAILED(EnumSet.of(STOPPED, BACKOFF, ERRORED), ERRORED),
    /** Ready (or up min_uptime without a readiness signal). */
    READY(EnumSet.of(STARTING), RUNNING),
    /** A live process left by an earlier daemon is taken over as it is. */
    ADOPT(EnumSet.of(STOPPED), RUNNING),
    /** The stop signal goes to the process tree. */
    STOP(EnumSet.of(STARTING, RUNNING), STOPPING),
    /** The tree of a stopped instance is gone (its exit may be seen before or after the stop finished). */
    TREE_GONE(EnumSet.of(STOPPING, STOPPED), STOPPED),
    /** A stop while nothing runs: a pending restart (BACKOFF) must not fire after it. */
    STOP_IDLE(EnumSet.of(BACKOFF, ERRORED, STOPPED, STOPPING), STOPPED),
    /** It exited and is to be started again after the restart delay. */
    EXIT_TO_BACKOFF(EnumSet.of(STARTING, RUNNING), BACKOFF),
    /** It exited max_restarts times in a row before min_uptime: Berth gives up. */
    GIVE_UP(EnumSet.of(STARTING, RUNNING), ERRORED),
    /** It exited and stays down: autorestart is off, the app should not run, or it was a preflight. */
    EXIT_FOR_GOOD(EnumSet.of(STARTING, RUNNING), STOPPED);

    private final Set<InstanceState> from;
    private final InstanceState to;

    Transition(Set<InstanceState> from, InstanceState to) {
        this.from = from;
        this.to = to;
    }

    InstanceState to() { return to; }

    boolean allowedFrom(InstanceState state) { return from.contains(state); }

    /** The state this edge leads to from state; IllegalStateException when the edge does not start there. */
    InstanceState from(InstanceState state) {
        if (!allowedFrom(state)) {
            throw new IllegalStateException("an instance cannot go " + name().toLowerCase() + " from " + state.label()
                    + " (only from " + from.stream().map(InstanceState::label).toList() + ")");
        }
        return to;
    }
}
