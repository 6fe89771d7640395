package dev.berth.supervisor;

import static dev.berth.supervisor.InstanceState.BACKOFF;
import static dev.berth.supervisor.InstanceState.ERRORED;
import static dev.berth.supervisor.InstanceState.RUNNING;
import static dev.berth.supervisor.InstanceState.STARTING;
import static dev.berth.supervisor.InstanceState.STOPPED;
import static dev.berth.supervisor.InstanceState.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AppSpec;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The instance state machine as data: each edge by name, without processes (SupervisorTest runs them for real). */
class InstanceStateMachineTest {
    /** restart_delay 100ms doubling to 2s, min_uptime 1s, give up after 3 unstable exits. */
    static final AppSpec.RestartPolicy POLICY = new AppSpec.RestartPolicy(true, 3, Duration.ofSeconds(1),
            Duration.ofMillis(100), true, Duration.ofSeconds(2));
    static final AppSpec.RestartPolicy NO_AUTORESTART = new AppSpec.RestartPolicy(false, 3, Duration.ofSeconds(1),
            Duration.ofMillis(100), true, Duration.ofSeconds(2));

    /** An instance in state, reached by legal edges only. */
    static Instance in(InstanceState state) {
        Instance i = new Instance(0);
        switch (state) {
            case STOPPED -> { }
            case STARTING -> i.move(Transition.SPAWN);
            case RUNNING -> { i.move(Transition.SPAWN); i.move(Transition.READY); }
            case STOPPING -> { i.move(Transition.ADOPT); i.move(Transition.STOP); }
            case BACKOFF -> { i.move(Transition.SPAWN); i.move(Transition.EXIT_TO_BACKOFF); }
            case ERRORED -> i.move(Transition.SPAWN_FAILED);
        }
        assertEquals(state, i.state());
        return i;
    }

    static InstanceState after(InstanceState from, Transition edge) {
        Instance i = in(from);
        i.move(edge);
        return i.state();
    }

    // ---- starting -----------------------------------------------------------------------------

    @Test void stoppedToStartingOnSpawn() {
        assertEquals(STARTING, after(STOPPED, Transition.SPAWN));
    }

    @Test void backoffToStartingWhenTheRestartDelayIsOver() {
        assertEquals(STARTING, after(BACKOFF, Transition.SPAWN));
    }

    @Test void erroredToStartingOnAStartByRequest() {
        assertEquals(STARTING, after(ERRORED, Transition.SPAWN));
    }

    @Test void stoppedToErroredWhenTheProgramCannotBeStarted() {
        assertEquals(ERRORED, after(STOPPED, Transition.SPAWN_FAILED));
        assertEquals(ERRORED, after(BACKOFF, Transition.SPAWN_FAILED));
        assertEquals(ERRORED, after(ERRORED, Transition.SPAWN_FAILED));
    }

    @Test void startingToRunningWhenReady() {
        assertEquals(RUNNING, after(STARTING, Transition.READY));
    }

    @Test void stoppedToRunningOnAdoptionOfALiveProcess() {
        assertEquals(RUNNING, after(STOPPED, Transition.ADOPT));
    }

    // ---- stopping -----------------------------------------------------------------------------

    @Test void runningToStoppingOnStop() {
        assertEquals(STOPPING, after(RUNNING, Transition.STOP));
    }

    @Test void startingToStoppingOnStop() {
        assertEquals(STOPPING, after(STARTING, Transition.STOP));
    }

    @Test void stoppingToStoppedWhenTheTreeIsGone() {
        assertEquals(STOPPED, after(STOPPING, Transition.TREE_GONE));
        assertEquals(STOPPED, after(STOPPED, Transition.TREE_GONE), "the exit may be seen before the stop finished");
    }

    @Test void backoffToStoppedOnStopCancelsThePendingRestart() {
        assertEquals(STOPPED, after(BACKOFF, Transition.STOP_IDLE));
    }

    @Test void erroredToStoppedOnStop() {
        assertEquals(STOPPED, after(ERRORED, Transition.STOP_IDLE));
        assertEquals(STOPPED, after(STOPPED, Transition.STOP_IDLE));
        assertEquals(STOPPED, after(STOPPING, Transition.STOP_IDLE));
    }

    // ---- exits, by the restart policy ---------------------------------------------------------

    @Test void startingToBackoffWhenExitsTooFast() {
        RestartDecision d = RestartDecision.afterExit(STARTING, DesiredState.RUNNING, 50, POLICY, 0);
        assertEquals(Transition.EXIT_TO_BACKOFF, d.edge());
        assertTrue(d.unstable());
        assertEquals(1, d.unstableExits());
        assertEquals(Duration.ofMillis(100), d.backoff());
        assertEquals(BACKOFF, after(STARTING, d.edge()));
    }

    @Test void startingToBackoffWhenItExitsLateButWasNeverReady() {
        RestartDecision d = RestartDecision.afterExit(STARTING, DesiredState.RUNNING, 60_000, POLICY, 1);
        assertEquals(Transition.EXIT_TO_BACKOFF, d.edge());
        assertEquals(2, d.unstableExits(), "never ready is a failed start, however long it took");
        assertEquals(Duration.ofMillis(200), d.backoff(), "the delay doubles with each unstable exit");
    }

    @Test void runningToBackoffWhenAStableProcessExits() {
        RestartDecision d = RestartDecision.afterExit(RUNNING, DesiredState.RUNNING, 5_000, POLICY, 2);
        assertEquals(Transition.EXIT_TO_BACKOFF, d.edge());
        assertFalse(d.unstable());
        assertEquals(0, d.unstableExits(), "a process that stayed up min_uptime starts the count again");
        assertEquals(Duration.ofMillis(100), d.backoff());
        assertEquals(BACKOFF, after(RUNNING, d.edge()));
    }

    @Test void startingToErroredAfterMaxRestartsUnstableExitsInARow() {
        RestartDecision d = RestartDecision.afterExit(STARTING, DesiredState.RUNNING, 10, POLICY, 2);
        assertEquals(Transition.GIVE_UP, d.edge());
        assertEquals(3, d.unstableExits());
        assertNull(d.backoff());
        assertEquals(ERRORED, after(STARTING, d.edge()));
    }

    @Test void runningToErroredWhenItKeepsDyingBeforeMinUptime() {
        RestartDecision d = RestartDecision.afterExit(RUNNING, DesiredState.RUNNING, 999, POLICY, 2);
        assertEquals(Transition.GIVE_UP, d.edge());
        assertEquals(ERRORED, after(RUNNING, d.edge()));
    }

    @Test void runningToStoppedWhenAutorestartIsOff() {
        RestartDecision d = RestartDecision.afterExit(RUNNING, DesiredState.RUNNING, 5_000, NO_AUTORESTART, 0);
        assertEquals(Transition.EXIT_FOR_GOOD, d.edge());
        assertNull(d.backoff());
        assertEquals(STOPPED, after(RUNNING, d.edge()));
        assertEquals(1, RestartDecision.afterExit(STARTING, DesiredState.RUNNING, 10, NO_AUTORESTART, 0).unstableExits(),
                "the unstable exit is still counted");
    }

    @Test void runningToStoppedWhenTheAppShouldNotRun() {
        RestartDecision d = RestartDecision.afterExit(RUNNING, DesiredState.STOPPED, 10, POLICY, 2);
        assertEquals(Transition.EXIT_FOR_GOOD, d.edge());
        assertEquals(2, d.unstableExits(), "not counted: nothing is restarted");
        assertEquals(STOPPED, after(STARTING, d.edge()));
    }

    @Test void stoppingToStoppedWhenItExitsDuringAStop() {
        RestartDecision d = RestartDecision.afterExit(STOPPING, DesiredState.RUNNING, 10, POLICY, 1);
        assertEquals(Transition.TREE_GONE, d.edge());
        assertEquals(1, d.unstableExits());
        assertNull(d.backoff());
    }

    // ---- what is refused ----------------------------------------------------------------------

    @Test void aSpawnOverALiveProcessIsRefused() {
        Instance running = in(RUNNING);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> running.move(Transition.SPAWN));
        assertTrue(e.getMessage().contains("from running"), e.getMessage());
        assertEquals(RUNNING, running.state(), "a refused edge changes nothing");
    }

    @Test void readyIsRefusedUnlessStarting() {
        assertThrows(IllegalStateException.class, () -> in(BACKOFF).move(Transition.READY));
        assertThrows(IllegalStateException.class, () -> in(STOPPED).move(Transition.READY));
    }

    /** Every edge from every state: allowed exactly where the machine says, and leading where it says. */
    @Test void everyEdgeStartsOnlyFromItsStates() {
        Map<Transition, Set<InstanceState>> legal = Map.of(
                Transition.SPAWN, EnumSet.of(STOPPED, BACKOFF, ERRORED),
                Transition.SPAWN_FAILED, EnumSet.of(STOPPED, BACKOFF, ERRORED),
                Transition.READY, EnumSet.of(STARTING),
                Transition.ADOPT, EnumSet.of(STOPPED),
                Transition.STOP, EnumSet.of(STARTING, RUNNING),
                Transition.TREE_GONE, EnumSet.of(STOPPING, STOPPED),
                Transition.STOP_IDLE, EnumSet.of(BACKOFF, ERRORED, STOPPED, STOPPING),
                Transition.EXIT_TO_BACKOFF, EnumSet.of(STARTING, RUNNING),
                Transition.GIVE_UP, EnumSet.of(STARTING, RUNNING),
                Transition.EXIT_FOR_GOOD, EnumSet.of(STARTING, RUNNING));
        assertEquals(EnumSet.allOf(Transition.class), EnumSet.copyOf(legal.keySet()));
        for (Transition edge : Transition.values()) {
            for (InstanceState from : InstanceState.values()) {
                Instance i = in(from);
                if (legal.get(edge).contains(from)) {
                    i.move(edge);
                    assertEquals(edge.to(), i.state(), edge + " from " + from);
                } else {
                    assertThrows(IllegalStateException.class, () -> i.move(edge), edge + " from " + from);
                    assertEquals(from, i.state());
                }
            }
        }
    }
}
