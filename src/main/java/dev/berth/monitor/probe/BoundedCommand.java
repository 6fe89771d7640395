package dev.berth.monitor.probe;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an argv (never a shell line) with a time limit, in its own session when setsid is
 * there, so that a timeout ends the whole tree the command started, not just its first
 * process: TERM to the process group, then KILL after a short grace. The same approach as the
 * deploy step runner, for argv instead of a shell line.
 *
 * <p>Output (stdout and stderr together) goes to a temporary file rather than a pipe: nothing
 * has to drain it while the command runs, and a background child that keeps the output open
 * cannot hold the probe up.
 */
final class BoundedCommand {
    /** Without setsid (not on PATH), the command's descendants are signalled one by one instead. */
    private static final boolean SETSID = Executables.onPath("setsid").isPresent();
    /** How long a timed-out command gets between TERM and KILL. */
    private static final Duration GRACE = Duration.ofMillis(500);
    /** How much of the output is kept: enough for the first lines. */
    private static final int OUTPUT_KEPT = 16 * 1024;

    /** How a run ended; {@code exitCode} is -1 after a timeout. */
    record Outcome(int exitCode, boolean timedOut, String output, long millis) { }

    private BoundedCommand() { }

    /**
     * @param env added to the daemon's environment (a probe usually needs PATH and HOME as they are)
     * @throws IOException when the command cannot be started at all
     */
    static Outcome run(List<String> argv, Path cwd, Map<String, String> env, Duration timeout) throws IOException {
        boolean ownSession = SETSID;
        List<String> command = new ArrayList<>(argv.size() + 1);
        if (ownSession) command.add("setsid"); // own session and process group: the whole tree can be signalled
        command.addAll(argv);
        Path output = Files.createTempFile("berth-probe-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (cwd != null) pb.directory(cwd.toFile());
            if (env != null) pb.environment().putAll(env);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
            pb.redirectErrorStream(true);
            long t0 = System.nanoTime();
            Process p = pb.start();
            boolean timedOut = false;
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut = true;
                    stop(p, ownSession);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill(p, ownSession);
                timedOut = true;
            }
            long millis = BoundedCall.elapsedMillis(t0);
            return new Outcome(timedOut ? -1 : p.exitValue(), timedOut, head(output), millis);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static void stop(Process p, boolean ownSession) throws InterruptedException {
        if (ownSession) signalGroup(p.pid(), "TERM");
        else p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            kill(p, ownSession);
            p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (ownSession) signalGroup(p.pid(), "KILL"); // whatever the leader left behind in its group
    }

    private static void kill(Process p, boolean ownSession) {
        if (ownSession) signalGroup(p.pid(), "KILL");
        else p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** setsid made the command's pid its process group id; kill(1) because ProcessHandle cannot signal a group. */
    private static void signalGroup(long pgid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing left to signal
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String head(Path output) throws IOException {
        try (InputStream in = Files.newInputStream(output)) {
            return new String(in.readNBytes(OUTPUT_KEPT), StandardCharsets.UTF_8);
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
