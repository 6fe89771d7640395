package dev.berth.access;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The dashboard's logins and the check of every later request. A login goes in the order that
 * keeps a password check from being a way to load the daemon: the throttle admits the address's
 * attempt first, then the password is hashed (at most a few at a time, see
 * {@link PasswordHasher}), then a session is opened.
 */
public final class Logins {
    private final UsersFile users;
    private final Sessions sessions;
    private final LoginThrottle throttle;

    public Logins(UsersFile users, Sessions sessions, LoginThrottle throttle) {
        this.users = users;
        this.sessions = sessions;
        this.throttle = throttle;
    }

    /** A named user's login. */
    public LoginOutcome withPassword(InetAddress from, String name, char[] password) throws IOException {
        LoginThrottle.Admission a = throttle.admit(from);
        if (!a.admitted()) return new LoginOutcome.Throttled(a.retryAfter());
        Optional<User> user;
        try {
            user = users.authenticate(name, password);
        } catch (PasswordHasher.Busy busy) {
            return new LoginOutcome.Busy();
        }
        if (user.isEmpty()) return new LoginOutcome.Wrong();
        throttle.succeeded(from);
        return new LoginOutcome.LoggedIn(sessions.open(user.get().principal(), stamp(user.get())));
    }

    /** A login with the daemon's own token (BERTH_HOME/token): an operator named "token". */
    public LoginOutcome withToken(InetAddress from, String presented, String daemonToken) {
        LoginThrottle.Admission a = throttle.admit(from);
        if (!a.admitted()) return new LoginOutcome.Throttled(a.retryAfter());
        if (!Secrets.equal(daemonToken, presented)) return new LoginOutcome.Wrong();
        throttle.succeeded(from);
        return new LoginOutcome.LoggedIn(sessions.open(Principal.TOKEN));
    }

    /**
     * {@link Sessions#check}, and then whether the session's user is still as they were at login
     * (users.json is read again when it changed): a user removed, or removed and added again with
     * another password or role, by `berth user` ends their sessions at their next request.
     */
    public SessionCheck check(String sessionId, String method, String csrfHeader) throws IOException {
        SessionCheck c = sessions.check(sessionId, method, csrfHeader);
        if (!(c instanceof SessionCheck.Valid v) || v.principal().equals(Principal.TOKEN)) return c;
        Optional<User> now = users.find(v.principal().name());
        if (now.isPresent() && now.get().role() == v.principal().role() && Secrets.equal(v.credential(), stamp(now.get()))) return c;
        sessions.close(sessionId); // only this one: a session opened after the change is the user's as they are now
        return new SessionCheck.Refused(SessionCheck.Refusal.USER_CHANGED);
    }

    /** Logout: ends the session; false when there was none. */
    public boolean logout(String sessionId) {
        return sessions.close(sessionId);
    }

    /** What a session remembers of the user's credential: a digest of the password hash (which has a fresh salt each time it is set). */
    private static String stamp(User u) {
        return Secrets.digest(u.passwordHash());
    }
}
