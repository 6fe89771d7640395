package dev.berth.access;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The dashboard's sessions, in memory only (a restarted daemon asks everyone to log in again).
 * A session ends after {@code idle} without a request or {@code absolute} after its login,
 * whichever comes first. At most {@code most} live at once: opening one more drops the one seen
 * least recently.
 *
 * <p>The table is keyed by the SHA-256 of each id, not the id: nothing in it (or in a heap dump)
 * can be replayed as a cookie. Session ids are never logged; {@link Login} and
 * {@link SessionCheck.Valid} print them as ***.
 */
public final class Sessions {
    public static final Duration IDLE = Duration.ofMinutes(30);
    public static final Duration ABSOLUTE = Duration.ofHours(12);
    public static final int MOST = 10_000;
    /** 32 random bytes in unpadded base64url. */
    private static final int ID_CHARS = 43;

    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;
    private final int most;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock lock = new ReentrantLock();
    /** digest of the id → session, least recently seen first (a seen session moves to the end). */
    private final LinkedHashMap<String, Entry> table = new LinkedHashMap<>();

    private static final class Entry {
        final Principal principal;
        final String credential;
        final String csrfToken;
        final Instant created;
        Instant lastSeen;

        Entry(Principal principal, String credential, String csrfToken, Instant created) {
            this.principal = principal;
            this.credential = credential;
            this.csrfToken = csrfToken;
            this.created = created;
            this.lastSeen = created;
        }
    }

    public Sessions(Clock clock, Duration idle, Duration absolute, int most) {
        if (idle.isNegative() || idle.isZero() || absolute.compareTo(idle) < 0) {
            throw new IllegalArgumentException("the idle timeout must be positive and no longer than the absolute one");
        }
        if (most < 1) throw new IllegalArgumentException("at least one session must be allowed");
        this.clock = clock;
        this.idle = idle;
        this.absolute = absolute;
        this.most = most;
    }

    /** 30 minutes idle, 12 hours in all, 10,000 sessions. */
    public Sessions(Clock clock) {
        this(clock, IDLE, ABSOLUTE, MOST);
    }

    /** How long a session can live at most: the cookie's Max-Age. */
    public Duration absoluteTimeout() {
        return absolute;
    }

    /** A new session for who (after a successful login). */
    public Login open(Principal who) {
        return open(who, null);
    }

    /**
     * A new session for who, remembering what they logged in with (an opaque stamp, such as a
     * digest of their password hash): {@link SessionCheck.Valid#credential} gives it back, so a
     * caller can end the session once the user's password or role changed ({@link Logins#check}).
     */
    public Login open(Principal who, String credential) {
        String id = Secrets.random(random, 32);
        String csrf = Secrets.random(random, 32);
        Instant now = clock.instant();
        lock.lock();
        try {
            dropIdle(now);
            while (table.size() >= most) {
                Iterator<String> oldest = table.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            table.put(Secrets.digest(id), new Entry(who, credential, csrf, now));
        } finally {
            lock.unlock();
        }
        return new Login(id, csrf, who, now);
    }

    /**
     * The principal of the session sessionId names, when it is live and, for any method other
     * than GET, HEAD and OPTIONS, csrfHeader is its CSRF token. A request that passes counts as
     * activity (the idle timeout starts again); a refused one does not.
     *
     * @param sessionId  the cookie's value ({@link SessionCookie#idFrom}), or null
     * @param method     the HTTP method
     * @param csrfHeader the X-CSRF-Token header, or null
     */
    public SessionCheck check(String sessionId, String method, String csrfHeader) {
        if (sessionId == null || sessionId.isEmpty()) return new SessionCheck.Refused(SessionCheck.Refusal.NO_SESSION);
        if (sessionId.length() != ID_CHARS) return new SessionCheck.Refused(SessionCheck.Refusal.UNKNOWN);
        String key = Secrets.digest(sessionId);
        Instant now = clock.instant();
        lock.lock();
        try {
            Entry e = table.get(key);
            if (e == null) return new SessionCheck.Refused(SessionCheck.Refusal.UNKNOWN);
            if (!now.isBefore(e.created.plus(absolute))) {
                table.remove(key);
                return new SessionCheck.Refused(SessionCheck.Refusal.EXPIRED);
            }
            if (!now.isBefore(e.lastSeen.plus(idle))) {
                table.remove(key);
                return new SessionCheck.Refused(SessionCheck.Refusal.IDLE);
            }
            if (!safe(method)) {
                if (csrfHeader == null || csrfHeader.isEmpty()) return new SessionCheck.Refused(SessionCheck.Refusal.CSRF_MISSING);
                if (!Secrets.equal(e.csrfToken, csrfHeader)) return new SessionCheck.Refused(SessionCheck.Refusal.CSRF_WRONG);
            }
            e.lastSeen = now;
            table.remove(key); // to the end: the table stays in the order of last activity
            table.put(key, e);
            return new SessionCheck.Valid(e.principal, e.csrfToken, e.credential);
        } finally {
            lock.unlock();
        }
    }

    /** Ends the session (logout); false when there was none. */
    public boolean close(String sessionId) {
        if (sessionId == null) return false;
        String key = Secrets.digest(sessionId);
        lock.lock();
        try {
            return table.remove(key) != null;
        } finally {
            lock.unlock();
        }
    }

    /** Ends every session of the user (removed, or given another role); returns how many. */
    public int closeAllOf(String userName) {
        lock.lock();
        try {
            int before = table.size();
            table.values().removeIf(e -> e.principal.name().equals(userName));
            return before - table.size();
        } finally {
            lock.unlock();
        }
    }

    /** Live sessions, after dropping those that are idle. */
    public int size() {
        lock.lock();
        try {
            dropIdle(clock.instant());
            return table.size();
        } finally {
            lock.unlock();
        }
    }

    /** GET, HEAD and OPTIONS change nothing; every other method needs the CSRF token. */
    static boolean safe(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    /** The least recently seen come first: drop from the front while they are idle (or too old). */
    private void dropIdle(Instant now) {
        Iterator<Map.Entry<String, Entry>> it = table.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (now.isBefore(e.lastSeen.plus(idle)) && now.isBefore(e.created.plus(absolute))) break;
            it.remove();
        }
    }
}
