package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What leaves Main.run: an exit code, whatever a command throws. */
class MainTest {
    /** A command that fails the way a too deep input used to fail the YAML parser. */
    private static final class Overflowing implements CliCommand {
        @Override public Spec spec() {
            return new Spec("overflow", "Recurses until the stack is gone.");
        }

        @Override public int run(Parsed args) {
            return depth(0);
        }

        private static int depth(int n) {
            return depth(n + 1) + 1;
        }
    }

    private static final class OutOfMemory implements CliCommand {
        @Override public Spec spec() {
            return new Spec("oom", "Throws OutOfMemoryError.");
        }

        @Override public int run(Parsed args) {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    private final Cli cli = new Cli("berth", List.of(), List.of(new Overflowing(), new OutOfMemory()), List.of());

    @Test void aStackOverflowEndsWithExitCode1() {
        assertEquals(ExitCodes.FAILED, Main.run(cli, "overflow"));
    }

    @Test void anOutOfMemoryErrorEndsWithExitCode1() {
        assertEquals(ExitCodes.FAILED, Main.run(cli, "oom"));
    }
}
