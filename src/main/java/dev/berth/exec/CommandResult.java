package dev.berth.exec;

import java.time.Duration;

/**
 * How one command ended.
 *
 * @param exitCode  the program's exit code; -1 after a timeout
 * @param output    the first bytes of what it printed (with Output.Captured), else ""
 * @param truncated whether it printed more than was kept
 * @param errors    the last bytes of its stderr when that was kept apart, else ""
 */
public record CommandResult(int exitCode, boolean timedOut, String output, boolean truncated, String errors, Duration took) {
    public boolean ok() {
        return !timedOut && exitCode == 0;
    }
}
