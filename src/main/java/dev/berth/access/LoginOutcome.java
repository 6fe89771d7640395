package dev.berth.access;

import java.time.Duration;

/** What a login attempt came to ({@link Logins}), and the HTTP status that says so. */
public sealed interface LoginOutcome {
    /** A new session: set its cookie, send its CSRF token. */
    record LoggedIn(Login login) implements LoginOutcome { }

    /** Wrong name, password or token; which of them is not said. */
    record Wrong() implements LoginOutcome { }

    /** Too many attempts from this address: nothing was checked; Retry-After is retryAfter. */
    record Throttled(Duration retryAfter) implements LoginOutcome { }

    /** Too many password checks at once: nothing was checked; try again shortly. */
    record Busy() implements LoginOutcome { }

    /** 200, 401, 429 or 503. (An if-chain: a pattern switch spins a helper class at run time.) */
    default int status() {
        if (this instanceof LoggedIn) return 200;
        if (this instanceof Throttled) return 429;
        if (this instanceof Busy) return 503;
        return 401;
    }
}
