package dev.berth.supervisor;

/**
 * The life of one instance (after supervisord's state machine).
 * STARTING until ready (or, without a readiness signal, until it stayed up min_uptime);
 * BACKOFF while waiting to be restarted after an exit; ERRORED when it kept dying and
 * Berth gave up; STOPPED when asked to stop, or when it exited and autorestart is off.
 * The moves between them are the named edges of {@link Transition}.
 */
public enum InstanceState {
    STARTING, RUNNING, BACKOFF, STOPPING, STOPPED, ERRORED;

    public String label() { return name().toLowerCase(); }

    public boolean isUp() { return this == STARTING || this == RUNNING; }
}
