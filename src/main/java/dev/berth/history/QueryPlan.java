package dev.berth.history;

/**
 * Which tier answers a query and at what step. The step is what the caller asked, or what the
 * caps force (at most {@code most} points per series, and one more when the range starts inside
 * a bucket): then the next of the steps a chart uses ({@link #STEPS}). It is a whole number of the
 * buckets of the finest tier that still holds the start of the range, and the tier read is the
 * coarsest one whose buckets fit the step a whole number of times: a 24 h chart of 1,000 points (a
 * step of 86.4 s, so 2 min) reads the 1 min tier, 1,440 rows per series rather than 8,640 raw ones;
 * a 7 d chart (15 min) the 5 min tier; a 30 d chart (1 h) the 1 h tier.
 */
record QueryPlan(Tier tier, long fromSeconds, long toSeconds, long stepSeconds) {
    /** Steps, in seconds, that make readable axes. */
    static final long[] STEPS = {10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};

    /**
     * @param stepMillis the step asked for, or null
     * @param most       how many points one series may have
     */
    static QueryPlan choose(long fromMillis, long toMillis, Long stepMillis, int most, long nowMillis) {
        long from = Math.floorDiv(fromMillis, 1000);
        long to = Math.ceilDiv(toMillis, 1000);
        long now = Math.floorDiv(nowMillis, 1000);
        long asked = stepMillis == null ? 0 : Math.ceilDiv(stepMillis, 1000);
        long needed = Math.max(asked, Math.ceilDiv(Math.ceilDiv(toMillis - fromMillis, most), 1000));
        Tier finest = null;
        for (Tier t : Tier.values()) {
            if (holds(t, from, now)) {
                finest = t;
                break;
            }
        }
        if (finest == null) finest = Tier.coarsest(); // older than any tier keeps: what is left of it
        long step = asked >= needed ? multipleOf(Math.max(asked, finest.seconds), finest.seconds) : readable(needed, finest.seconds);
        while (Math.ceilDiv(to - Math.floorDiv(from, step) * step, step) > most + 1) step = readable(step + 1, finest.seconds);
        Tier tier = finest;
        for (Tier t : Tier.values()) {
            if (t.ordinal() > finest.ordinal() && step % t.seconds == 0 && holds(t, from, now)) tier = t;
        }
        return new QueryPlan(tier, Math.floorDiv(from, step) * step, to, step);
    }

    private static boolean holds(Tier t, long from, long now) {
        return from >= now - t.retentionSeconds;
    }

    /** The first of STEPS at least this wide that is a whole number of buckets; past them, a whole number of buckets. */
    private static long readable(long atLeast, long bucket) {
        for (long s : STEPS) if (s >= atLeast && s % bucket == 0) return s;
        return multipleOf(atLeast, bucket);
    }

    private static long multipleOf(long atLeast, long bucket) {
        return Math.ceilDiv(atLeast, bucket) * bucket;
    }
}
