package dev.berth.alert;

import dev.berth.text.Units;
import java.time.Duration;

/** At most {@code messages} requests to a channel within any {@code window}: the service's own limit. */
public record RateLimit(int messages, Duration window) {
    public RateLimit {
        if (messages < 1) throw new IllegalArgumentException("a rate limit allows at least one message");
        if (window == null || window.isNegative() || window.isZero()) throw new IllegalArgumentException("a rate limit needs a positive window");
    }

    public static RateLimit perMinute(int messages) {
        return new RateLimit(messages, Duration.ofMinutes(1));
    }

    public static RateLimit perSecond(int messages) {
        return new RateLimit(messages, Duration.ofSeconds(1));
    }

    @Override public String toString() {
        return messages + "/" + Units.duration(window);
    }
}
