package dev.berth.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/** The requests sent to one channel lately, to tell when the next may go out under its rate limits. */
final class SlidingWindow {
    private final ArrayDeque<Instant> sent = new ArrayDeque<>();

    /**
     * The earliest instant, {@code now} or later, at which {@code cost} more requests keep
     * every limit: no window of a limit's length holding more than its count.
     */
    Instant nextSlot(Instant now, List<RateLimit> limits, int cost) {
        Instant slot = now;
        for (RateLimit limit : limits) {
            Instant windowStart = now.minus(limit.window());
            List<Instant> inWindow = sent.stream().filter(t -> t.isAfter(windowStart)).sorted().toList();
            int excess = inWindow.size() + Math.min(cost, limit.messages()) - limit.messages();
            // The window has room once the oldest `excess` requests in it have aged out.
            if (excess > 0) {
                Instant free = inWindow.get(excess - 1).plus(limit.window());
                if (free.isAfter(slot)) slot = free;
            }
        }
        return slot;
    }

    void record(Instant at, int cost, List<RateLimit> limits) {
        for (int i = 0; i < cost; i++) sent.addLast(at);
        Duration longest = limits.stream().map(RateLimit::window).max(Duration::compareTo).orElse(Duration.ZERO);
        Instant horizon = at.minus(longest);
        for (Iterator<Instant> it = sent.iterator(); it.hasNext(); ) {
            if (it.next().isAfter(horizon)) break;
            it.remove();
        }
    }

    int size() {
        return sent.size();
    }
}
