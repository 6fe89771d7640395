package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import java.time.Duration;

/**
 * What an instance's exit leads to, by the restart policy: a plain function of the instance's
 * state, what the user wants, how long the process lived and how many unstable exits came
 * before, so that every branch is tested as data.
 *
 * @param edge          the transition to take
 * @param unstableExits exits in a row before min_uptime, this one included
 * @param unstable      whether this exit came before the instance was ready or had stayed up min_uptime
 * @param backoff       how long to wait before the restart (EXIT_TO_BACKOFF only, else null)
 */
record RestartDecision(Transition edge, int unstableExits, boolean unstable, Duration backoff) {

    static RestartDecision afterExit(InstanceState state, DesiredState desired, long livedMillis,
                                     AppSpec.RestartPolicy policy, int unstableExitsBefore) {
        if (state == InstanceState.STOPPING || state == InstanceState.STOPPED) {
            return new RestartDecision(Transition.TREE_GONE, unstableExitsBefore, false, null);
        }
        if (desired != DesiredState.RUNNING) return new RestartDecision(Transition.EXIT_FOR_GOOD, unstableExitsBefore, false, null);
        // An exit before the instance ever became ready is a failed start, however long it took.
        boolean unstable = state == InstanceState.STARTING || livedMillis < policy.minUptime().toMillis();
        int exits = unstable ? unstableExitsBefore + 1 : 0;
        if (!policy.autorestart()) return new RestartDecision(Transition.EXIT_FOR_GOOD, exits, unstable, null);
        if (unstable && exits >= Math.max(1, policy.maxRestarts())) return new RestartDecision(Transition.GIVE_UP, exits, true, null);
        return new RestartDecision(Transition.EXIT_TO_BACKOFF, exits, unstable, backoffDelay(policy, exits));
    }

    /** restart_delay, doubled for each unstable exit after the first (with backoff on), up to max_delay. */
    static Duration backoffDelay(AppSpec.RestartPolicy p, int unstableExits) {
        if (!p.backoff() || unstableExits <= 1) return p.restartDelay();
        long ms = p.restartDelay().toMillis() << Math.min(20, unstableExits - 1);
        return Duration.ofMillis(Math.min(ms, Math.max(p.maxDelay().toMillis(), p.restartDelay().toMillis())));
    }
}
