package dev.berth.history;

import java.time.Duration;

/**
 * One resolution the history keeps, finest first: each coarser tier is rolled up from the one
 * before it once a bucket is complete, and each is pruned after its retention.
 *
 * <p>Why these four. A 1 h chart reads the 10 s points (360). A 24 h chart would read 8,640 of
 * them per series, six times what it draws; the 1 min tier gives it 1,440, which is what keeps an
 * overview of hundreds of series fast. A 7 d or 30 d chart of at most 1,000 points draws a point
 * per 10 min or per hour: the 5 min tier gives the first 2,016 rows per series, and the 1 h tier
 * gives the second 720 rather than 8,640 (a 30 d chart of 50 series read 432,000 rows from the
 * 5 min tier in 114 ms; from the 1 h tier, 36,000), for 720 rows per series more on disk. A 1 min
 * tier kept 7 days would add 7,200 rows per series (a third more disk) only for zooming into one
 * hour of last week, so it is kept 48 h, for today and yesterday.
 */
public enum Tier {
    RAW("10s", Duration.ofSeconds(10), Duration.ofHours(24), "points_10s"),
    MINUTE("1m", Duration.ofMinutes(1), Duration.ofHours(48), "points_1m"),
    FIVE_MINUTES("5m", Duration.ofMinutes(5), Duration.ofDays(30), "points_5m"),
    HOUR("1h", Duration.ofHours(1), Duration.ofDays(30), "points_1h");

    /** How the API names it. */
    public final String label;
    final long seconds;
    final long retentionSeconds;
    /** A constant of this enum, never a caller's text: the only identifier SQL gets by concatenation. */
    final String table;

    Tier(String label, Duration resolution, Duration retention, String table) {
        this.label = label;
        this.seconds = resolution.toSeconds();
        this.retentionSeconds = retention.toSeconds();
        this.table = table;
    }

    public Duration resolution() { return Duration.ofSeconds(seconds); }

    public Duration retention() { return Duration.ofSeconds(retentionSeconds); }

    /** The tier this one is rolled up from, or null for RAW. */
    Tier source() { return ordinal() == 0 ? null : values()[ordinal() - 1]; }

    /** The coarsest tier, the one that keeps the longest. */
    static Tier coarsest() { return values()[values().length - 1]; }
}
