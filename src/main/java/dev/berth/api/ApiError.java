package dev.berth.api;

import java.util.List;

/** A request the API refuses: HTTP status, a stable code, a message, and for bad config every problem. */
public class ApiError extends RuntimeException {
    final int status;
    final String code;
    final List<String> problems;

    public ApiError(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    public ApiError(int status, String code, String message, List<String> problems) {
        super(message);
        this.status = status;
        this.code = code;
        this.problems = problems;
    }
}
