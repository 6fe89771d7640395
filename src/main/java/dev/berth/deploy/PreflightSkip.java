package dev.berth.deploy;

import dev.berth.config.AppSpec;
import java.util.Optional;

/**
 * Why a release gets no preflight whatever the app's state: the one rule a plan shows and a
 * deploy follows. (An app that does not run is skipped too, but only supervision knows that.)
 */
enum PreflightSkip {
    DISABLED("none (deploy.preflight: false)", "skipped: deploy.preflight is false"),
    NO_PORT("none: the app has no port", "skipped: the app has no port to give a second process"),
    /** Behind the front door every new instance is its own preflight: tried on a fresh port, and given traffic only once ready and healthy. */
    BLUE_GREEN("none: behind the front door each new instance is tried on its own port before it gets traffic",
            "skipped: behind the front door each new instance is tried on its own port (ready, deploy.health) before it gets traffic");

    /** How a plan says it. */
    final String inPlan;
    /** How the preflight step's log says it. */
    final String inLog;

    PreflightSkip(String inPlan, String inLog) {
        this.inPlan = inPlan;
        this.inLog = inLog;
    }

    static Optional<PreflightSkip> of(AppSpec spec) {
        if (!spec.deploy().preflight()) return Optional.of(DISABLED);
        if (!spec.listens()) return Optional.of(NO_PORT);
        if (spec.fronted()) return Optional.of(BLUE_GREEN);
        return Optional.empty();
    }
}
