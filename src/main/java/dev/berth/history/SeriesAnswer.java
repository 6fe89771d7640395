package dev.berth.history;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

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

    /**
     * Points kept in three primitive arrays, a Point made only when one is asked for: an answer
     * of 50,000 points is 1.2 MB this way and about three times that as records, and the daemon
     * runs in a small heap (see cli.DaemonJvm).
     */
    public static final class Points extends AbstractList<Point> implements RandomAccess {
        private long[] at;
        private double[] avg;
        private double[] max;
        private int size;

        /** @param expected the buckets of the range: the arrays are made once, not grown and copied */
        Points(int expected) {
            int n = Math.max(1, expected);
            at = new long[n];
            avg = new double[n];
            max = new double[n];
        }

        void add(long atMillis, double avgValue, double maxValue) {
            if (size == at.length) {
                int n = size * 2; // more buckets than the range was expected to have
                at = Arrays.copyOf(at, n);
                avg = Arrays.copyOf(avg, n);
                max = Arrays.copyOf(max, n);
            }
            at[size] = atMillis;
            avg[size] = avgValue;
            max[size] = maxValue;
            size++;
        }

        public long atMillis(int i) {
            return at[checked(i)];
        }

        public double avg(int i) {
            return avg[checked(i)];
        }

        public double max(int i) {
            return max[checked(i)];
        }

        @Override public Point get(int i) {
            return new Point(at[checked(i)], avg[i], max[i]);
        }

        @Override public int size() {
            return size;
        }

        private int checked(int i) {
            return Objects.checkIndex(i, size);
        }
    }
}
