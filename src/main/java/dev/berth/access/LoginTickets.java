package dev.berth.access;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One-time login tickets for `berth dashboard`'s link: the link carries one of these, not the
 * daemon's token, so a link seen on a screen or left in a shell's history is worth nothing once
 * used or five minutes old. Only digests are kept (as {@link Sessions} keeps its ids); at most MOST
 * are outstanding.
 */
public final class LoginTickets {
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    static final int MOST = 100;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** digest → when it stops working, oldest first. */
    private final Map<String, Instant> live = new LinkedHashMap<>();

    public LoginTickets(Clock clock) {
        this.clock = clock;
    }

    public synchronized String issue() {
        String ticket = Secrets.random(random, 32);
        drop();
        while (live.size() >= MOST) {
            Iterator<String> oldest = live.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        live.put(Secrets.digest(ticket), clock.instant().plus(LIFETIME));
        return ticket;
    }

    /** Whether ticket is live; it is used up either way it was one. */
    public synchronized boolean redeem(String ticket) {
        drop();
        Instant until = live.remove(Secrets.digest(ticket));
        return until != null && clock.instant().isBefore(until);
    }

    private void drop() {
        Instant now = clock.instant();
        live.values().removeIf(until -> !now.isBefore(until));
    }
}
