package dev.berth.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where a command's stdout goes. Never an unbounded read of a pipe: captured output goes to a
 * temporary file first (a background child that keeps it open cannot hold the caller up) and
 * only its first bytes are kept. Stderr, unless it is merged, is kept apart: its last bytes come
 * back in the result, for an error message.
 */
public sealed interface Output {
    /** How much captured output is kept unless a command says otherwise. */
    int DEFAULT_LIMIT = 64 * 1024;

    /** The first {@code limit} bytes of stdout, and of stderr too when {@code withErrors} (interleaved as written). */
    record Captured(int limit, boolean withErrors) implements Output {
        public Captured {
            if (limit < 0) throw new IllegalArgumentException("a capture limit cannot be negative: " + limit);
        }
    }

    /** stdout and stderr appended to a log file, created 0600 when missing (a step's output often echoes secrets). */
    record AppendedTo(Path log) implements Output { }

    /** stdout written to a file (created 0600 when missing, truncated otherwise). */
    record WrittenTo(Path file) implements Output { }

    /** stdout read by Berth while the command runs (e.g. hashed and written as it comes). */
    record Streamed(Sink sink) implements Output { }

    record Discarded() implements Output { }

    /** Reads a command's stdout to its end. */
    @FunctionalInterface
    interface Sink {
        void drain(InputStream stdout) throws IOException;
    }

    static Output captured() {
        return new Captured(DEFAULT_LIMIT, false);
    }

    static Output captured(int limit) {
        return new Captured(limit, false);
    }

    /** stdout and stderr together, as a terminal would show them. */
    static Output capturedWithErrors(int limit) {
        return new Captured(limit, true);
    }

    static Output appendedTo(Path log) {
        return new AppendedTo(log);
    }

    static Output writtenTo(Path file) {
        return new WrittenTo(file);
    }

    static Output streamed(Sink sink) {
        return new Streamed(sink);
    }

    static Output discarded() {
        return new Discarded();
    }
}
