package dev.berth.deploy;

import dev.berth.exec.Command;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Environment;
import dev.berth.exec.Output;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs one step or hook: the user's command line with /bin/sh -c (the one place Berth uses a
 * shell, since the line is the user's own), in its own session so that a timeout ends the whole
 * tree it started, with stdout and stderr appended to the step's log file.
 */
final class StepRunner {
    /** How long a timed-out step gets between TERM and KILL. */
    static final Duration GRACE = Duration.ofSeconds(5);

    /** How a step ended: exit code, or timed out. */
    record Result(int exitCode, boolean timedOut, Duration took) {
        boolean ok() {
            return !timedOut && exitCode == 0;
        }
    }

    private StepRunner() { }

    /** The step as a command: exactly the given environment, output appended to a 0600 log (it often echoes secrets). */
    static Command command(String commandLine, Path dir, Map<String, String> env, Path log, Duration timeout) {
        return Command.of(List.of("/bin/sh", "-c", commandLine)).withDirectory(dir).withEnvironment(Environment.only(env))
                .withOutput(Output.appendedTo(log)).withTimeout(timeout).withGrace(GRACE);
    }

    static Result run(String commandLine, Path dir, Map<String, String> env, Path log, Duration timeout) throws IOException {
        if (!CommandRunner.local().ownsSessions()) {
            // a step must lead its own group: that is how the next daemon ends what a killed one left running
            throw new IOException("deploy steps run in a session of their own, and setsid (util-linux) is not on the PATH");
        }
        try {
            var r = CommandRunner.local().run(command(commandLine, dir, env, log, timeout));
            return new Result(r.exitCode(), r.timedOut(), r.took());
        } catch (InterruptedIOException e) {
            throw new IOException("interrupted while running: " + commandLine, e);
        }
    }

    /** The last lines of a log, for an error message. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
