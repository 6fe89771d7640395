package dev.berth.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A command whose stdin Berth writes while it runs (e.g. a hash tool fed the archive as it is
 * written). Closing stdin and waiting is {@link #finish}; giving up is {@link #kill}.
 */
public final class RunningCommand implements AutoCloseable {
    private final StartedProcesses started;
    private final Command command;

    RunningCommand(StartedProcesses started, Command command) {
        this.started = started;
        this.command = command;
    }

    public OutputStream stdin() {
        return started.processes.get(0).getOutputStream();
    }

    /** Closes stdin and waits, within the command's time limit counted from its start, and at most Pipeline.EXIT_AFTER_OUTPUT from now. */
    public CommandResult finish() throws IOException {
        return finish(Pipeline.EXIT_AFTER_OUTPUT);
    }

    /** finish, with exitWithin instead of Pipeline.EXIT_AFTER_OUTPUT. */
    public CommandResult finish(Duration exitWithin) throws IOException {
        try {
            stdin().close();
            return CommandRunner.single(started.result(started.await(null, true, command.timeout(), command.grace(), exitWithin)));
        } finally {
            started.close();
        }
    }

    /** Ends the command and what it started, at once. */
    public void kill() {
        started.close();
    }

    @Override
    public void close() {
        kill();
    }
}
