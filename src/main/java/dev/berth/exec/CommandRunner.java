package dev.berth.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.berth.files.FileTrees;
import dev.berth.files.PrivateFiles;

/**
 * Runs commands and pipelines: each process in a session of its own (setsid, when it is on
 * PATH), so that a timeout ends the whole tree it started; stdin from /dev/null or a file;
 * output captured to a temporary file and kept bounded, appended to a log, written to a file or
 * streamed to the caller. On timeout: TERM to the group, KILL after the command's grace, then
 * KILL whatever the group left. An interrupted caller gets an InterruptedIOException after the
 * processes are killed, with its interrupt flag set again.
 */
public final class CommandRunner {
    /** Without setsid (not on PATH), a command's descendants are signalled one by one instead. */
    private static final boolean SETSID = Executables.onPath("setsid").isPresent();
    /** How much of a stage's stderr is kept: its last lines say why it failed. */
    static final int ERRORS_KEPT = 16 * 1024;
    private static final CommandRunner LOCAL = new CommandRunner(Transport.local());

    private final Transport transport;
    private final boolean ownSession;
    private final ProcessGroups groups;

    public CommandRunner(Transport transport) {
        this(transport, SETSID);
    }

    CommandRunner(Transport transport, boolean ownSession) {
        this.transport = transport;
        this.ownSession = ownSession;
        this.groups = new ProcessGroups(ownSession);
    }

    /** Commands run on this machine. */
    public static CommandRunner local() {
        return LOCAL;
    }

    /**
     * @throws ProgramNotFoundException when the program is not there (nothing was started)
     * @throws IOException when it cannot be started, or its output cannot be kept
     */
    public CommandResult run(Command command) throws IOException {
        PipelineResult r = run(new Pipeline(List.of(command), command.timeout(), command.grace()));
        PipelineResult.Stage only = r.stages().get(0);
        return new CommandResult(only.exitCode(), r.timedOut(), r.output(), r.truncated(), only.errors(), r.took());
    }

    /** Runs the stages together, each one's stdout into the next one's stdin. */
    public PipelineResult run(Pipeline pipeline) throws IOException {
        List<Command> stages = new ArrayList<>();
        for (Command c : pipeline.stages()) stages.add(requireProgram(transport.wrap(c)));
        Output output = pipeline.last().output();
        List<Path> temporary = new ArrayList<>();
        List<Process> ps = List.of();
        try {
            List<ProcessBuilder> builders = new ArrayList<>();
            List<Path> errors = new ArrayList<>();
            for (Command c : stages) {
                ProcessBuilder pb = new ProcessBuilder(sessionOf(c.argv()));
                if (c.directory() != null) pb.directory(c.directory().toFile());
                c.environment().applyTo(pb.environment());
                builders.add(pb);
            }
            ProcessBuilder first = builders.get(0);
            ProcessBuilder last = builders.get(builders.size() - 1);
            first.redirectInput(switch (pipeline.first().input()) {
                case Input.None none -> ProcessBuilder.Redirect.from(new File("/dev/null"));
                case Input.FromFile f -> ProcessBuilder.Redirect.from(f.file().toFile());
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
            for (ProcessBuilder pb : builders) {
                if (merged && pb == last) {
                    pb.redirectErrorStream(true);
                    errors.add(null);
                } else {
                    Path err = temporaryFile(temporary, ".err");
                    pb.redirectError(err.toFile());
                    errors.add(err);
                }
            }
            long t0 = System.nanoTime();
            ps = builders.size() == 1 ? List.of(first.start()) : ProcessBuilder.startPipeline(builders);
            boolean timedOut = await(ps, output instanceof Output.Streamed s ? s.sink() : null, t0 + pipeline.timeout().toNanos(),
                    pipeline.grace().toNanos());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            List<PipelineResult.Stage> results = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                results.add(new PipelineResult.Stage(stages.get(i).program(), timedOut ? -1 : ps.get(i).exitValue(),
                        errors.get(i) == null ? "" : tail(errors.get(i), ERRORS_KEPT)));
            }
            int limit = output instanceof Output.Captured c ? c.limit() : 0;
            String text = captured == null ? "" : head(captured, limit);
            boolean truncated = captured != null && Files.size(captured) > limit;
            return new PipelineResult(results, timedOut, text, truncated, took);
        } finally {
            if (ps.stream().anyMatch(Process::isAlive)) groups.kill(ps);
            temporary.forEach(FileTrees::deleteQuietly);
        }
    }

    /** Waits for all within one deadline; on expiry stops them and says so. */
    private boolean await(List<Process> ps, Output.Sink sink, long deadline, long graceNanos) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        Thread watchdog = null;
        try {
            if (sink != null) {
                // the caller reads on this thread; the deadline is kept by another
                watchdog = Thread.ofVirtual().name("berth-command-deadline").start(() -> {
                    try {
                        Thread.sleep(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                        expired.set(true);
                        groups.stop(ps, graceNanos);
                    } catch (InterruptedException e) {
                        // the pipeline ended first
                    }
                });
                try (InputStream stdout = ps.get(ps.size() - 1).getInputStream()) {
                    sink.drain(stdout);
                }
            }
            for (Process p : ps) {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    if (watchdog != null) watchdog.interrupt();
                    groups.stop(ps, graceNanos);
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

    private List<String> sessionOf(List<String> argv) {
        if (!ownSession) return argv;
        List<String> wrapped = new ArrayList<>(argv.size() + 1);
        wrapped.add("setsid"); // own session and process group: the whole tree can be signalled
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Said plainly before anything starts, rather than as setsid's exit 127 or the JDK's error=2. */
    private static Command requireProgram(Command c) throws ProgramNotFoundException {
        String program = c.program();
        if (program.contains("/")) {
            Path path = c.directory() == null ? Path.of(program) : c.directory().resolve(program);
            if (!Files.isExecutable(path)) throw new ProgramNotFoundException(program, path + " is not an executable file");
            return c;
        }
        String path = c.environment().path();
        if (Executables.onPath(program, path == null ? "/usr/bin:/bin" : path).isEmpty()) {
            throw new ProgramNotFoundException(program, "no \"" + program + "\" program on the PATH");
        }
        return c;
    }

    private static Path temporaryFile(List<Path> temporary, String suffix) throws IOException {
        Path f = Files.createTempFile("berth-command", suffix, PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
        temporary.add(f);
        return f;
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
