package dev.berth.exec;

import java.time.Duration;
import java.util.List;

/**
 * Commands whose stdout feeds the next one's stdin, like {@code dump | compress}. The first
 * stage's input and the last stage's output are the pipeline's; each stage keeps its own argv,
 * directory and environment, and its stderr apart. One time limit covers them all; when the last
 * stage's output is streamed to Berth, the stages must also exit within exitAfterOutput of that
 * output's end (a tool that closed its output and hangs is stuck, whatever the time limit).
 */
public record Pipeline(List<Command> stages, Duration timeout, Duration grace, Duration exitAfterOutput) {
    /** How long a streamed run's processes may take to exit once their output has ended, unless told otherwise. */
    public static final Duration EXIT_AFTER_OUTPUT = Duration.ofMinutes(1);

    public Pipeline {
        if (stages == null || stages.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one command");
        stages = List.copyOf(stages);
        timeout = timeout == null ? Command.DEFAULT_TIMEOUT : timeout;
        grace = grace == null ? Command.DEFAULT_GRACE : grace;
        exitAfterOutput = exitAfterOutput == null ? EXIT_AFTER_OUTPUT : exitAfterOutput;
    }

    public Pipeline(List<Command> stages, Duration timeout, Duration grace) {
        this(stages, timeout, grace, null);
    }

    public Pipeline withExitAfterOutput(Duration limit) {
        return new Pipeline(stages, timeout, grace, limit);
    }

    public static Pipeline of(List<Command> stages, Duration timeout) {
        return new Pipeline(stages, timeout, null);
    }

    Command first() {
        return stages.get(0);
    }

    Command last() {
        return stages.get(stages.size() - 1);
    }
}
