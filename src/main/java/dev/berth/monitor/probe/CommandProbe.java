package dev.berth.monitor.probe;

import dev.berth.exec.CommandResult;
import dev.berth.exec.Executables;
import dev.berth.http.FailureText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a program and judges its exit code the way Nagios plugins are written: 0 is OK, 1 is
 * WARNING, anything else (2, a signal, failing to start) is CRITICAL. The message is the first
 * line of its output (stdout and stderr together), trimmed to 200 characters. On timeout the
 * whole process group is killed.
 *
 * @param argv the program and its arguments; never a shell line (for a shell, write
 *             {@code ["sh", "-c", "..."]})
 * @param cwd  the working directory; the daemon's when null
 * @param env  variables added to the daemon's environment; none when null
 */
public record CommandProbe(List<String> argv, Path cwd, Map<String, String> env) implements Probe {

    private static final int MESSAGE_CHARS = 200;

    public CommandProbe {
        if (argv == null || argv.isEmpty()) throw new IllegalArgumentException("a command needs at least a program");
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    @Override
    public ProbeResult run(Duration timeout) {
        long t0 = System.nanoTime();
        String cannotStart = cannotStart();
        if (cannotStart != null) return ProbeResult.failed("cannot run " + argv.get(0) + ": " + cannotStart, 0);
        CommandResult outcome;
        try {
            outcome = BoundedCommand.run(argv, cwd, env, timeout);
        } catch (IOException | RuntimeException e) {
            return ProbeResult.failed("cannot run " + argv.get(0) + ": " + FailureText.describe(e), BoundedCall.elapsedMillis(t0));
        }
        String line = BoundedCommand.firstLine(outcome.output(), MESSAGE_CHARS);
        if (outcome.timedOut()) {
            return ProbeResult.failed(argv.get(0) + " timed out after " + Quantities.duration(timeout)
                    + " and was killed with its process group (critical)" + (line.isEmpty() ? "" : "; first output: " + line),
                    outcome.took().toMillis());
        }
        int code = outcome.exitCode();
        CheckState state = stateOf(code);
        String message = "exit " + code + " (" + state.label() + ")" + (line.isEmpty() ? ", no output" : ": " + line);
        return new ProbeResult(state, (double) code, "exit code", message, outcome.took().toMillis());
    }

    /**
     * Why the command cannot start, said plainly rather than as setsid's or the JDK's error about
     * the wrapper; null when it can.
     */
    private String cannotStart() {
        if (cwd != null && !Files.isDirectory(cwd)) return "working directory " + cwd + " does not exist";
        String program = argv.get(0);
        if (program.contains("/")) {
            Path path = cwd == null ? Path.of(program) : cwd.resolve(program);
            return Files.isExecutable(path) ? null : path + " is not an executable file";
        }
        String path = env.getOrDefault("PATH", System.getenv("PATH"));
        return Executables.onPath(program, path).isPresent() ? null : "not found on PATH";
    }

    /** 0 OK, 1 WARNING, anything else CRITICAL. */
    static CheckState stateOf(int exitCode) {
        return switch (exitCode) {
            case 0 -> CheckState.OK;
            case 1 -> CheckState.WARNING;
            default -> CheckState.CRITICAL;
        };
    }
}
