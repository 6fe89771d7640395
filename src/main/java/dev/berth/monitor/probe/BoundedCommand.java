package dev.berth.monitor.probe;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Environment;
import dev.berth.exec.Output;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A probe's program as a command: stdout and stderr together, the first 16 KiB kept, a short
 * grace between TERM and KILL on timeout (the runner ends the command's whole process group).
 */
final class BoundedCommand {
    /** How long a timed-out command gets between TERM and KILL. */
    private static final Duration GRACE = Duration.ofMillis(500);
    /** How much of the output is kept: enough for the first lines. */
    private static final int OUTPUT_KEPT = 16 * 1024;

    private BoundedCommand() { }

    /** @param env added to the daemon's environment (a probe usually needs PATH and HOME as they are) */
    static Command of(List<String> argv, Path cwd, Map<String, String> env, Duration timeout) {
        return Command.of(argv).withDirectory(cwd).withEnvironment(Environment.inherited().plus(env == null ? Map.of() : env))
                .withOutput(Output.capturedWithErrors(OUTPUT_KEPT)).withTimeout(timeout).withGrace(GRACE);
    }

    /**
     * An interrupted probe counts as timed out (its process group is killed first).
     *
     * @throws IOException when the command cannot be started at all
     */
    static CommandResult run(List<String> argv, Path cwd, Map<String, String> env, Duration timeout) throws IOException {
        long t0 = System.nanoTime();
        try {
            return CommandRunner.local().run(of(argv, cwd, env, timeout));
        } catch (InterruptedIOException e) {
            return new CommandResult(-1, true, "", false, "", Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /** The first non-blank line, trimmed, at most max characters; "" when there is none. */
    static String firstLine(String output, int max) {
        for (String line : output.split("\\R")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) return Quantities.clip(trimmed, max);
        }
        return "";
    }
}
