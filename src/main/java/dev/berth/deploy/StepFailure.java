package dev.berth.deploy;

/** A step failed: its name, what happened, and where its log is. */
final class StepFailure extends Exception {
    final String step;

    StepFailure(String step, String message) {
        super(message);
        this.step = step;
    }
}
