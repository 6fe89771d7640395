package dev.berth.deploy;

import dev.berth.config.AppSpec;
import java.util.Optional;

/**
 * Why a release gets no preflight whatever the app's state: the one rule a plan shows and a
 * deploy follows. (An app that does not run is skipped too, but only supervision knows that.)
 */
enum PreflightSkip {
    DISABLED("none (deploy.preflight: false)", "skipped: deploy.preflight is false"),
    NO_PORT("none: the app has no port", "skipped: the app has no port to give a second process");

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
        return Optional.empty();
    }
}
