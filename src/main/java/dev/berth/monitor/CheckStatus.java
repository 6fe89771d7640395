package dev.berth.monitor;

import dev.berth.monitor.probe.CheckState;
import dev.berth.monitor.probe.ProbeResult;
import java.time.Duration;
import java.time.Instant;

/**
 * The state of one check between runs. A result worse than the current state changes it only
 * after `failures` such results in a row (one slow answer is not an outage); a better result
 * changes it at once (a recovery is news worth sending immediately).
 */
final class CheckStatus {
    /** A change of state, with the result that made it. */
    record Transition(String check, CheckState from, CheckState to, ProbeResult result, Instant since) {
        /** Back to OK (CRITICAL to WARNING is a change, not a recovery). */
        boolean recovery() {
            return to == CheckState.OK;
        }
    }

    private final String name;
    private CheckState state;
    private Instant since;
    private int streak;
    private ProbeResult last;
    private Instant lastRun;
    private Instant alertedAt;

    CheckStatus(String name, CheckState state, Instant since, Instant alertedAt) {
        this.name = name;
        this.state = state;
        this.since = since;
        this.alertedAt = alertedAt;
    }

    /** A new check: assumed OK until results say otherwise. */
    static CheckStatus fresh(String name, Instant now) {
        return new CheckStatus(name, CheckState.OK, now, null);
    }

    /** Records a result; the transition when the state changed, else null. */
    synchronized Transition record(ProbeResult r, int failures, Instant now) {
        last = r;
        lastRun = now;
        if (r.state() == state) {
            streak = 0;
            return null;
        }
        if (r.state().compareTo(state) > 0 && ++streak < failures) return null;
        Transition t = new Transition(name, state, r.state(), r, now);
        state = r.state();
        since = now;
        streak = 0;
        alertedAt = now; // the caller alerts it: a resend is due only `resend` after this
        return t;
    }

    /** What a resend says, taken and stamped at once so it never races a state change. */
    record Resend(CheckState state, Instant since, ProbeResult last) { }

    /** A resend when the state is bad and the last alert is `every` old; null otherwise. */
    synchronized Resend resendDue(Duration every, Instant now) {
        if (state == CheckState.OK || last == null || last.state() == CheckState.OK) return null;
        if (alertedAt != null && alertedAt.plus(every).isAfter(now)) return null;
        alertedAt = now;
        return new Resend(state, since, last);
    }

    synchronized CheckState state() { return state; }
    synchronized Instant since() { return since; }
    synchronized ProbeResult last() { return last; }
    synchronized Instant lastRun() { return lastRun; }
    synchronized int streak() { return streak; }
    synchronized Instant alertedAt() { return alertedAt; }
    String name() { return name; }
}
