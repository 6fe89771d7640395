package dev.berth.deploy;

import dev.berth.files.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one step or hook: the user's command line with /bin/sh -c (the one place Berth uses a
 * shell, since the line is the user's own), in its own session so that a timeout ends the whole
 * tree it started, with stdout and stderr appended to the step's log file.
 */
final class StepRunner {
    /** How a step ended: exit code, or timed out. */
    record Result(int exitCode, boolean timedOut, Duration took) {
        boolean ok() {
            return !timedOut && exitCode == 0;
        }
    }

    private StepRunner() { }

    static Result run(String commandLine, Path dir, Map<String, String> env, Path log, Duration timeout) throws IOException {
        PrivateFiles.file(log); // 0600 before the redirect appends: step output often echoes secrets
        ProcessBuilder pb = new ProcessBuilder(List.of("setsid", "/bin/sh", "-c", commandLine)).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Result(p.exitValue(), false, Duration.ofNanos(System.nanoTime() - t0));
            }
            signalGroup(p.pid(), "TERM");
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                signalGroup(p.pid(), "KILL");
                p.waitFor(5, TimeUnit.SECONDS);
            }
            signalGroup(p.pid(), "KILL"); // what the step left behind in its group
            return new Result(-1, true, Duration.ofNanos(System.nanoTime() - t0));
        } catch (InterruptedException e) {
            signalGroup(p.pid(), "KILL");
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running: " + commandLine, e);
        }
    }

    /** setsid made the step's pid its process group id. */
    private static void signalGroup(long pgid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing left to signal
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
