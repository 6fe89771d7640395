package dev.berth.supervisor;

/** A request the supervisor refuses, with a stable code the API and CLI map to text and exit codes. */
public class SupervisorException extends RuntimeException {
    private final String code;

    public SupervisorException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() { return code; }
}
