package dev.berth.history;

import java.util.List;

/**
 * The series of one query, all on the same buckets: [from, to) cut into steps, from aligned
 * down to a multiple of the step. A point is a bucket that has data (a gap has no point): its
 * start, the mean of the readings in it and the largest of them.
 *
 * @param tier the coarsest tier read (the last minutes, not yet rolled up into it, come from the finer ones)
 */
public record SeriesAnswer(Tier tier, long fromMillis, long toMillis, long stepMillis, List<Series> series) {

    /** One series: its name, its unit ("%", "bytes", "ms" or "" for the load) and its points in time order. */
    public record Series(String name, String unit, boolean wholeNumbers, List<Point> points) { }

    /**
     * One bucket.
     *
     * @param atMillis its start
     * @param avg      the mean of the readings in it, each reading counted once (a 5 min bucket of an
     *                 instance is the mean of its 300 one-second readings, however they were rolled up)
     * @param max      the largest reading in it
     */
    public record Point(long atMillis, double avg, double max) { }
}
