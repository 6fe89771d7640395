package dev.berth.monitor.probe;

import java.util.Locale;

/** How a check came out, in order of severity: later constants are worse. */
public enum CheckState {
    OK, WARNING, CRITICAL;

    /** The more severe of the two. */
    public static CheckState worst(CheckState a, CheckState b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** "ok", "warning", "critical": the word used in probe messages. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
