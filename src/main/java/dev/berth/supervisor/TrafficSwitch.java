package dev.berth.supervisor;

import java.util.List;

/**
 * Where the traffic of an app behind the front door goes. The supervisor calls it when an
 * instance of such an app is replaced (reload, restart, deploy, rollback) or started, so that
 * the old instance is stopped only once nothing sends it requests any more.
 */
public interface TrafficSwitch {
    /** No front door: nothing to switch, nothing to drain. */
    TrafficSwitch NONE = (app, ports) -> () -> { };

    /**
     * Sends the app's new requests to these ports, and to no others; returns once they do.
     *
     * @return what waits for the requests still on the ports dropped (bounded by the drain timeout)
     * @throws SwitchFailure when the front door could not be changed: traffic stays where it was
     */
    Drain route(String app, List<Integer> ports) throws SwitchFailure;

    /** Returns once what was in flight to the ports a switch dropped has finished (or the drain timeout passed). */
    @FunctionalInterface
    interface Drain {
        void await();
    }

    final class SwitchFailure extends Exception {
        public SwitchFailure(String message) {
            super(message);
        }
    }
}
