package dev.berth.access;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Login attempts per client address: {@code attempts} within {@code window}, then a lockout that
 * doubles each time (1 min, 2, 4, 8, then {@code longest}). A successful login forgets the address;
 * so does {@code longest} of quiet after its last attempt or lockout.
 *
 * <p>An attempt is counted when it is admitted, before its password is hashed, so neither a burst
 * of parallel requests nor a slow hash lets more through. IPv6 clients are counted per /64 (one
 * host commonly holds a whole /64). At most {@code mostTracked} addresses are remembered; the one
 * quiet the longest makes room.
 */
public final class LoginThrottle {
    public static final int ATTEMPTS = 5;
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final Duration FIRST_LOCKOUT = Duration.ofMinutes(1);
    public static final Duration LONGEST_LOCKOUT = Duration.ofMinutes(15);
    public static final int MOST_TRACKED = 10_000;

    private final Clock clock;
    private final int attempts;
    private final Duration window;
    private final Duration first;
    private final Duration longest;
    private final int mostTracked;
    private final ReentrantLock lock = new ReentrantLock();
    /** address key → its record, least recently active first. */
    private final LinkedHashMap<String, Track> tracks = new LinkedHashMap<>();

    /** Whether an attempt may go on to the password check; when not, how long until one may. */
    public record Admission(boolean admitted, Duration retryAfter) {
        static final Admission YES = new Admission(true, Duration.ZERO);
    }

    private static final class Track {
        final ArrayDeque<Instant> recent = new ArrayDeque<>();
        int lockouts;
        Instant lockedUntil;
        Instant lastActive;
    }

    public LoginThrottle(Clock clock, int attempts, Duration window, Duration first, Duration longest, int mostTracked) {
        if (attempts < 1 || mostTracked < 1 || window.isNegative() || first.isNegative() || longest.compareTo(first) < 0) {
            throw new IllegalArgumentException("bad login throttle settings");
        }
        this.clock = clock;
        this.attempts = attempts;
        this.window = window;
        this.first = first;
        this.longest = longest;
        this.mostTracked = mostTracked;
    }

    /** 5 attempts a minute, then 1 min doubling up to 15 min, 10,000 addresses. */
    public LoginThrottle(Clock clock) {
        this(clock, ATTEMPTS, WINDOW, FIRST_LOCKOUT, LONGEST_LOCKOUT, MOST_TRACKED);
    }

    /** Counts an attempt from the address and admits it, or refuses it (counting nothing) while it is locked out. */
    public Admission admit(InetAddress from) {
        String key = key(from);
        Instant now = clock.instant();
        lock.lock();
        try {
            Track t = tracks.remove(key); // put back at the end: the most recently active
            if (t == null || forgotten(t, now)) {
                t = new Track();
                makeRoom(now);
            }
            tracks.put(key, t);
            if (t.lockedUntil != null && now.isBefore(t.lockedUntil)) return new Admission(false, Duration.between(now, t.lockedUntil));
            t.lastActive = now;
            while (!t.recent.isEmpty() && !now.isBefore(t.recent.peekFirst().plus(window))) t.recent.removeFirst();
            if (t.recent.size() >= attempts) {
                t.recent.clear();
                t.lockouts++;
                t.lockedUntil = now.plus(lockout(t.lockouts));
                t.lastActive = t.lockedUntil;
                return new Admission(false, lockout(t.lockouts));
            }
            t.recent.addLast(now);
            return Admission.YES;
        } finally {
            lock.unlock();
        }
    }

    /** A login from the address succeeded: its attempts and lockouts are forgotten. */
    public void succeeded(InetAddress from) {
        lock.lock();
        try {
            tracks.remove(key(from));
        } finally {
            lock.unlock();
        }
    }

    /** Addresses remembered now. */
    public int tracked() {
        lock.lock();
        try {
            return tracks.size();
        } finally {
            lock.unlock();
        }
    }

    /** The n-th lockout: first × 2^(n-1), no longer than longest. */
    Duration lockout(int n) {
        Duration d = first;
        for (int i = 1; i < n && d.compareTo(longest) < 0; i++) d = d.multipliedBy(2);
        return d.compareTo(longest) > 0 ? longest : d;
    }

    private boolean forgotten(Track t, Instant now) {
        return !now.isBefore(t.lastActive.plus(longest));
    }

    private void makeRoom(Instant now) {
        Iterator<Track> it = tracks.values().iterator();
        while (it.hasNext()) {
            Track oldest = it.next();
            if (tracks.size() < mostTracked && !forgotten(oldest, now)) break;
            it.remove();
        }
    }

    /** An IPv4 address itself; an IPv6 address by its /64 (IPv4-mapped ones as IPv4). */
    static String key(InetAddress a) {
        if (a instanceof Inet6Address) {
            return HexFormat.of().formatHex(a.getAddress(), 0, 8) + "::/64";
        }
        return a.getHostAddress();
    }
}
