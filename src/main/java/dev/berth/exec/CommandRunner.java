package dev.berth.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
        return single(run(new Pipeline(List.of(command), command.timeout(), command.grace())));
    }

    /** Runs the stages together, each one's stdout into the next one's stdin. */
    public PipelineResult run(Pipeline pipeline) throws IOException {
        if (pipeline.first().input() instanceof Input.Written) {
            throw new IllegalArgumentException("a command Berth writes to is started with start(), not run()");
        }
        try (StartedProcesses started = start(pipeline.stages())) {
            Output output = pipeline.last().output();
            boolean timedOut = await(started.processes, output instanceof Output.Streamed s ? s.sink() : null,
                    started.startNanos + pipeline.timeout().toNanos(), pipeline.grace().toNanos());
            return started.result(timedOut);
        }
    }

    /** Starts a command whose stdin (Input.written()) the caller writes; see RunningCommand. */
    public RunningCommand start(Command command) throws IOException {
        if (!(command.input() instanceof Input.Written)) throw new IllegalArgumentException("start() is for a command Berth writes to");
        if (command.output() instanceof Output.Streamed) throw new IllegalArgumentException("a written command's output cannot be streamed");
        return new RunningCommand(start(List.of(command)), this, command);
    }

    CommandResult finish(StartedProcesses started, Command command) throws IOException {
        boolean timedOut = await(started.processes, null, started.startNanos + command.timeout().toNanos(), command.grace().toNanos());
        return single(started.result(timedOut));
    }

    private StartedProcesses start(List<Command> commands) throws IOException {
        List<Command> stages = new ArrayList<>();
        for (Command c : commands) stages.add(requireProgram(transport.wrap(c)));
        // own session and process group: the whole tree can be signalled
        return StartedProcesses.start(stages, ownSession ? List.of("setsid") : List.of(), groups);
    }

    private static CommandResult single(PipelineResult r) {
        PipelineResult.Stage only = r.stages().get(0);
        return new CommandResult(only.exitCode(), r.timedOut(), r.output(), r.truncated(), only.errors(), r.took());
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
}
