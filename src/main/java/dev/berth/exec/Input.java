package dev.berth.exec;

import java.nio.file.Path;

/** What a command reads on stdin: nothing (/dev/null, so that no tool ever waits for a terminal), or a file. */
public sealed interface Input {
    record None() implements Input { }

    record FromFile(Path file) implements Input { }

    static Input none() {
        return new None();
    }

    static Input from(Path file) {
        return new FromFile(file);
    }
}
