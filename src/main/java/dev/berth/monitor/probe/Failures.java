package dev.berth.monitor.probe;

import dev.berth.http.FailureText;

/** The probes' short text for an error; the rules live with the HTTP probe, which shares them with readiness and deploys. */
final class Failures {
    private Failures() { }

    static String describe(Throwable error) {
        return FailureText.describe(error);
    }
}
