package dev.berth.exec;

import dev.berth.files.FileTrees;
import dev.berth.files.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The processes of one run, started, with the temporary files that hold their output; closed,
 * it kills what is still alive and removes those files.
 */
final class StartedProcesses implements AutoCloseable {
    /** How much of a stage's stderr is kept: its last lines say why it failed. */
    static final int ERRORS_KEPT = 16 * 1024;

    final List<Command> stages;
    final List<Process> processes;
    final long startNanos;
    private final Output output;
    private final Path captured;
    private final List<Path> errors;
    /** The processes still running when their time was up. */
    private final Set<Process> overdue = ConcurrentHashMap.newKeySet();
    private final List<Path> temporary;
    private final ProcessGroups groups;

    private StartedProcesses(List<Command> stages, List<Process> processes, long startNanos, Output output, Path captured,
                             List<Path> errors, List<Path> temporary, ProcessGroups groups) {
        this.stages = stages;
        this.processes = processes;
        this.startNanos = startNanos;
        this.output = output;
        this.captured = captured;
        this.errors = errors;
        this.temporary = temporary;
        this.groups = groups;
    }

    /** Starts the stages (already wrapped by the transport), each one's stdout into the next one's stdin. */
    static StartedProcesses start(List<Command> stages, List<String> sessionPrefix, ProcessGroups groups) throws IOException {
        Command firstStage = stages.get(0);
        Output output = stages.get(stages.size() - 1).output();
        List<Path> temporary = new ArrayList<>();
        try {
            List<ProcessBuilder> builders = new ArrayList<>();
            for (Command c : stages) {
                List<String> argv = new ArrayList<>(sessionPrefix);
                argv.addAll(c.argv());
                ProcessBuilder pb = new ProcessBuilder(argv);
                if (c.directory() != null) pb.directory(c.directory().toFile());
                c.environment().applyTo(pb.environment());
                builders.add(pb);
            }
            ProcessBuilder first = builders.get(0);
            ProcessBuilder last = builders.get(builders.size() - 1);
            first.redirectInput(switch (firstStage.input()) {
                case Input.None none -> ProcessBuilder.Redirect.from(new File("/dev/null"));
                case Input.FromFile f -> ProcessBuilder.Redirect.from(f.file().toFile());
                case Input.Written w -> ProcessBuilder.Redirect.PIPE;
            });
            Path captured = null;
            boolean merged = false;
            switch (output) {
                case Output.Captured c -> {
                    captured = temporaryFile(temporary, ".out");
                    last.redirectOutput(captured.toFile());
                    merged = c.withErrors();
                }
                case Output.AppendedTo a -> {
                    PrivateFiles.file(a.log()); // 0600 before the redirect appends
                    last.redirectOutput(ProcessBuilder.Redirect.appendTo(a.log().toFile()));
                    merged = true;
                }
                case Output.WrittenTo w -> {
                    PrivateFiles.file(w.file());
                    last.redirectOutput(w.file().toFile());
                }
                case Output.Streamed s -> last.redirectOutput(ProcessBuilder.Redirect.PIPE);
                case Output.Discarded d -> last.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            List<Path> errors = new ArrayList<>();
            for (ProcessBuilder pb : builders) {
                if (merged && pb == last) {
                    pb.redirectErrorStream(true);
                    errors.add(null);
                } else {
                    Path err = errorsFile(temporary);
                    pb.redirectError(err == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(err.toFile()));
                    errors.add(err);
                }
            }
            long t0 = System.nanoTime();
            List<Process> ps = builders.size() == 1 ? List.of(first.start()) : ProcessBuilder.startPipeline(builders);
            return new StartedProcesses(List.copyOf(stages), ps, t0, output, captured, errors, temporary, groups);
        } catch (IOException | RuntimeException e) {
            temporary.forEach(FileTrees::deleteQuietly);
            throw e;
        }
    }

    /**
     * Waits for all within one deadline (from their start); on expiry stops them and says so. A
     * sink reads the last one's stdout first. Once their data has ended (the sink drained the
     * output, or inputEnded: the caller closed their stdin) they must also exit within
     * exitAfterOutput: what does not is stuck, whatever the time limit.
     */
    boolean await(Output.Sink sink, boolean inputEnded, Duration timeout, Duration grace, Duration exitAfterOutput) throws IOException {
        List<Process> ps = processes;
        long deadline = saturatedAdd(startNanos, timeout.toNanos());
        long exitBy = inputEnded ? Math.min(deadline, saturatedAdd(System.nanoTime(), exitAfterOutput.toNanos())) : deadline;
        long graceNanos = grace.toNanos();
        AtomicBoolean expired = new AtomicBoolean();
        Thread watchdog = null;
        try {
            if (sink != null) {
                // the caller reads on this thread; the deadline is kept by another
                watchdog = Thread.ofVirtual().name("berth-command-deadline").start(() -> {
                    try {
                        Thread.sleep(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                        expired.set(true);
                        stopOverdue(graceNanos);
                    } catch (InterruptedException e) {
                        // the pipeline ended first
                    }
                });
                try (InputStream stdout = ps.get(ps.size() - 1).getInputStream()) {
                    sink.drain(stdout);
                }
                exitBy = Math.min(deadline, saturatedAdd(System.nanoTime(), exitAfterOutput.toNanos()));
            }
            for (Process p : ps) {
                if (!p.waitFor(Math.max(0, exitBy - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    if (watchdog != null) watchdog.interrupt();
                    stopOverdue(graceNanos);
                    return true;
                }
            }
            return expired.get();
        } catch (InterruptedException e) {
            groups.kill(ps);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + ps.size() + " process(es)");
        } finally {
            if (watchdog != null) watchdog.interrupt();
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** Stops them all, noting first which were still running: those are the stages that timed out. */
    private void stopOverdue(long graceNanos) {
        for (Process p : processes) if (p.isAlive()) overdue.add(p);
        groups.stop(processes, graceNanos);
    }

    /** How they ended, once they have: -1 for a stage that was still running when its time was up. */
    PipelineResult result(boolean timedOut) throws IOException {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        List<PipelineResult.Stage> results = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            results.add(new PipelineResult.Stage(stages.get(i).program(), overdue.contains(p) || p.isAlive() ? -1 : p.exitValue(),
                    errors.get(i) == null ? "" : tail(errors.get(i), ERRORS_KEPT)));
        }
        int limit = output instanceof Output.Captured c ? c.limit() : 0;
        String text = captured == null ? "" : head(captured, limit);
        boolean truncated = captured != null && Files.size(captured) > limit;
        return new PipelineResult(results, timedOut, text, truncated, took);
    }

    @Override
    public void close() {
        if (processes.stream().anyMatch(Process::isAlive)) groups.kill(processes);
        temporary.forEach(FileTrees::deleteQuietly);
    }

    private static Path temporaryFile(List<Path> temporary, String suffix) throws IOException {
        Path f = Files.createTempFile("berth-command", suffix, PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
        temporary.add(f);
        return f;
    }

    /**
     * Where a stage's stderr is kept, or null when no temporary file can be made (a full disk, an
     * unwritable tmp): the command still runs, without its error text. A stop's kill(1) must not
     * depend on free space.
     */
    private static Path errorsFile(List<Path> temporary) {
        try {
            return temporaryFile(temporary, ".err");
        } catch (IOException e) {
            return null;
        }
    }

    private static String head(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(limit), StandardCharsets.UTF_8);
        }
    }

    private static String tail(Path file, int limit) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(Math.max(0, ch.size() - limit));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
