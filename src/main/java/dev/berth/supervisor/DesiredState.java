package dev.berth.supervisor;

import java.util.Locale;

/** Whether the user wants an app to run. The state store keeps it as its label ("running", "stopped"). */
public enum DesiredState {
    RUNNING, STOPPED;

    /** The stored form. */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    /** From the stored form; anything but "running" is stopped, as the string was compared before. */
    public static DesiredState of(String label) {
        return RUNNING.label().equals(label) ? RUNNING : STOPPED;
    }
}
