package dev.berth.supervisor;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The signal names Berth sends. Names are kept in kill(1)'s form ("TERM", not "SIGTERM" or "15"),
 * because that is what {@link ProcessTree#signalTree} passes to kill -s. Only a fixed set is
 * accepted so that a user-supplied name can never turn into another option of kill(1).
 */
public final class Signals {

    /** Every signal Berth may send, in kill(1) form. */
    public static final List<String> SUPPORTED = List.of("TERM", "INT", "QUIT", "HUP", "USR1", "USR2", "KILL");

    private Signals() {
    }

    /**
     * The kill(1) form of a signal name: case-insensitive, an optional "SIG" prefix is dropped.
     * "sigterm" -> "TERM", "usr1" -> "USR1". Empty when the name is not one of {@link #SUPPORTED}.
     */
    public static Optional<String> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String upper = name.trim().toUpperCase(Locale.ROOT);
        if (upper.startsWith("SIG")) {
            upper = upper.substring(3);
        }
        return SUPPORTED.contains(upper) ? Optional.of(upper) : Optional.empty();
    }

    /** Like {@link #parse} but throws IllegalArgumentException naming the accepted signals. */
    public static String normalize(String name) {
        return parse(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown signal '" + name + "': expected one of " + String.join(", ", SUPPORTED)
                        + " (optionally with a SIG prefix)"));
    }

    public static boolean isValid(String name) {
        return parse(name).isPresent();
    }
}
