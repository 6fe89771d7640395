package dev.berth.cli;

import java.util.List;

/** Ends a command with a message on stderr and an exit code; no stack trace unless BERTH_DEBUG=1. */
public class CliException extends RuntimeException {
    final int exitCode;
    final List<String> details;

    public CliException(int exitCode, String message) {
        this(exitCode, message, List.of());
    }

    public CliException(int exitCode, String message, List<String> details) {
        super(message);
        this.exitCode = exitCode;
        this.details = details;
    }
}
