package dev.berth.exec;

import java.io.IOException;

/**
 * The program of a command is not there: said before anything starts, rather than as the
 * session wrapper's exit 127 or the JDK's error=2.
 */
public final class ProgramNotFoundException extends IOException {
    private final String program;

    ProgramNotFoundException(String program, String message) {
        super(message);
        this.program = program;
    }

    public String program() {
        return program;
    }
}
