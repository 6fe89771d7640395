package dev.berth.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/** A clock a test moves by hand, so a minute's rate-limit window passes without waiting a minute. */
final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    MutableClock(Instant start, ZoneId zone) {
        this.now = new AtomicReference<>(start);
        this.zone = zone;
    }

    void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    @Override public ZoneId getZone() {
        return zone;
    }

    @Override public Clock withZone(ZoneId z) {
        return new MutableClock(now.get(), z);
    }

    @Override public Instant instant() {
        return now.get();
    }
}
