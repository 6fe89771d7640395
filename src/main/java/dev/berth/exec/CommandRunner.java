package dev.berth.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs commands and pipelines: each process in a session of its own (setsid, when it is on
 * PATH), so that a timeout ends the whole tree it started; stdin from /dev/null or a file;
 * output captured to a temporary file and kept bounded, appended to a log, written to a file or
 * streamed to the caller; or a command Berth writes to ({@link #start}). On timeout: TERM to the
 * group, KILL after the command's grace, then KILL whatever the group left. An interrupted caller
 * gets an InterruptedIOException once the processes are killed, its interrupt flag set again.
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
            boolean timedOut = started.await(output instanceof Output.Streamed s ? s.sink() : null, false, pipeline.timeout(), pipeline.grace(),
                    pipeline.exitAfterOutput());
            return started.result(timedOut);
        }
    }

    /** Starts a command whose stdin (Input.written()) the caller writes; see RunningCommand. */
    public RunningCommand start(Command command) throws IOException {
        if (!(command.input() instanceof Input.Written)) throw new IllegalArgumentException("start() is for a command Berth writes to");
        if (command.output() instanceof Output.Streamed) throw new IllegalArgumentException("a written command's output cannot be streamed");
        return new RunningCommand(start(List.of(command)), command);
    }

    private StartedProcesses start(List<Command> commands) throws IOException {
        List<Command> stages = new ArrayList<>();
        for (Command c : commands) stages.add(requireProgram(transport.wrap(c)));
        // own session and process group: the whole tree can be signalled
        return StartedProcesses.start(stages, ownSession ? List.of("setsid") : List.of(), groups);
    }

    /** Whether commands get a session of their own (setsid is there): what a later daemon finds a dead one's leftovers by. */
    public boolean ownsSessions() {
        return ownSession;
    }

    static CommandResult single(PipelineResult r) {
        PipelineResult.Stage only = r.stages().get(0);
        return new CommandResult(only.exitCode(), r.timedOut(), r.output(), r.truncated(), only.errors(), r.took());
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
        if (Executables.onPath(program, path).isEmpty()) {
            throw new ProgramNotFoundException(program, "no \"" + program + "\" program on the PATH");
        }
        return c;
    }
}
