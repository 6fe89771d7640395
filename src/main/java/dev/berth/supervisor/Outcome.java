package dev.berth.supervisor;

import java.util.List;

/** The known result of an operation on one app: returned once each instance has started or failed. */
public record Outcome(String app, boolean ok, String message, List<String> details) {
    static Outcome ok(String app, String message) { return new Outcome(app, true, message, List.of()); }
    static Outcome failed(String app, String message, List<String> details) { return new Outcome(app, false, message, details); }
}
