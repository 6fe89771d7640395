package dev.berth.access;

/** What {@link Sessions#check} found: the session's principal, or why the request is refused. */
public sealed interface SessionCheck {
    /**
     * A live session; csrfToken is the one the dashboard must send back on mutating requests,
     * credential the stamp it was opened with ({@link Sessions#open(Principal, String)}).
     */
    record Valid(Principal principal, String csrfToken, String credential) implements SessionCheck {
        @Override public String toString() {
            return "Valid[principal=" + principal + ", csrfToken=***, credential=***]";
        }
    }

    record Refused(Refusal reason) implements SessionCheck { }

    /** Why: the CSRF ones are 403, the others 401 (log in again). */
    enum Refusal {
        NO_SESSION(401, "not logged in"),
        UNKNOWN(401, "the session is not known (the daemon restarted, or it was ended); log in again"),
        USER_CHANGED(401, "the user was removed, or given another password or role, since this session began; log in again"),
        IDLE(401, "the session was idle too long; log in again"),
        EXPIRED(401, "the session is too old; log in again"),
        CSRF_MISSING(403, "a mutating request needs the X-CSRF-Token header"),
        CSRF_WRONG(403, "the X-CSRF-Token header is not this session's");

        private final int status;
        private final String message;

        Refusal(int status, String message) {
            this.status = status;
            this.message = message;
        }

        public int status() {
            return status;
        }

        public String message() {
            return message;
        }
    }
}
