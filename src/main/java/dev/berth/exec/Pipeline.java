package dev.berth.exec;

import java.time.Duration;
import java.util.List;

/**
 * Commands whose stdout feeds the next one's stdin, like {@code dump | compress}. The first
 * stage's input and the last stage's output are the pipeline's; each stage keeps its own argv,
 * directory and environment, and its stderr apart. One time limit covers them all.
 */
public record Pipeline(List<Command> stages, Duration timeout, Duration grace) {
    public Pipeline {
        if (stages == null || stages.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one command");
        stages = List.copyOf(stages);
        timeout = timeout == null ? Command.DEFAULT_TIMEOUT : timeout;
        grace = grace == null ? Command.DEFAULT_GRACE : grace;
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
