package dev.berth.exec;

import java.nio.file.Path;

/**
 * What a command reads on stdin: nothing (/dev/null, so that no tool ever waits for a terminal),
 * a file, or what Berth writes to it (a command started with {@link CommandRunner#start}).
 */
public sealed interface Input {
    record None() implements Input { }

    record FromFile(Path file) implements Input { }

    record Written() implements Input { }

    static Input none() {
        return new None();
    }

    static Input from(Path file) {
        return new FromFile(file);
    }

    static Input written() {
        return new Written();
    }
}
