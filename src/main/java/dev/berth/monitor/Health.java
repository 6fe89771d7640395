package dev.berth.monitor;

import dev.berth.monitor.probe.CheckState;
import java.util.Collection;

/** The overall verdict of a set of checks, as health-check scripts exit with it. */
public enum Health {
    HEALTHY(0), WARNING(1), UNHEALTHY(2);

    private final int exitCode;

    Health(int exitCode) {
        this.exitCode = exitCode;
    }

    /** 0 healthy, 1 warning, 2 unhealthy. */
    public int exitCode() {
        return exitCode;
    }

    public static Health of(Collection<CheckState> states) {
        CheckState worst = CheckState.OK;
        for (CheckState s : states) worst = CheckState.worst(worst, s);
        return switch (worst) {
            case OK -> HEALTHY;
            case WARNING -> WARNING;
            case CRITICAL -> UNHEALTHY;
        };
    }
}
