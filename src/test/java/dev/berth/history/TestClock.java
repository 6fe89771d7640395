package dev.berth.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand. */
final class TestClock extends Clock {
    /** A whole hour (so on the buckets of every tier and of every step up to 1 h), in November 2023. */
    static final long START = 1_699_999_200_000L;

    private volatile long millis;

    TestClock(long millis) {
        this.millis = millis;
    }

    TestClock() {
        this(START);
    }

    void set(long millis) { this.millis = millis; }

    void advance(Duration d) { millis += d.toMillis(); }

    @Override public long millis() { return millis; }

    @Override public Instant instant() { return Instant.ofEpochMilli(millis); }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(ZoneId zone) { return this; }
}
