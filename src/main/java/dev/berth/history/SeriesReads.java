package dev.berth.history;

import dev.berth.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history's queries, on a connection of their own (WAL: a chart never waits for the
 * sampler's write), each in one read transaction, so the rows and how far they were rolled up
 * are of the same moment. The range is read from the chosen tier up to where it is rolled up, and
 * the rest, the last minutes, from the finer tiers: a 24 h chart ends now, not a minute ago.
 */
final class SeriesReads implements AutoCloseable {
    /** A series found for a query; id -1 for a name asked for that has no data (yet). */
    private record Found(long id, String name, String unit, double scale) { }

    private final Connection db;
    private final MetricsHistory.Limits limits;

    SeriesReads(Connection db, MetricsHistory.Limits limits) {
        this.db = db;
        this.limits = limits;
    }

    synchronized SeriesAnswer query(SeriesQuery q, long nowMillis) {
        try {
            db.setAutoCommit(false);
            try {
                List<Found> found = resolve(q);
                if (found.size() > limits.maxSeriesPerQuery()) {
                    throw new IllegalArgumentException((q.prefix() == null ? "name" : "prefix \"" + q.prefix() + "\"") + " matches " + found.size()
                            + " series; at most " + limits.maxSeriesPerQuery() + " per request: use a longer prefix or name them");
                }
                int most = Math.min(limits.maxPointsPerSeries(), Math.max(1, limits.maxPointsPerQuery() / Math.max(1, found.size())));
                if (q.points() != null) most = Math.min(most, q.points());
                QueryPlan plan = QueryPlan.choose(q.fromMillis(), q.toMillis(), q.stepMillis(), most, nowMillis);
                Map<Long, Buckets> buckets = new HashMap<>();
                int expected = (int) Math.min(limits.maxPointsPerSeries() + 1L, (plan.toSeconds() - plan.fromSeconds()) / plan.stepSeconds() + 1);
                for (Found f : found) if (f.id() >= 0) buckets.put(f.id(), new Buckets(plan.stepSeconds(), f.scale(), f.scale() < 1, expected));
                if (!buckets.isEmpty()) read(buckets, plan, doneUntil());
                List<SeriesAnswer.Series> out = new ArrayList<>(found.size());
                for (Found f : found) {
                    Buckets b = buckets.get(f.id());
                    out.add(new SeriesAnswer.Series(f.name(), f.unit(), f.scale() < 1, b == null ? List.of() : b.points()));
                }
                return new SeriesAnswer(plan.tier(), plan.fromSeconds() * 1000, plan.toSeconds() * 1000, plan.stepSeconds() * 1000, out);
            } finally {
                db.commit();
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** The names asked for and those under the prefix, in name order. */
    private List<Found> resolve(SeriesQuery q) throws SQLException {
        TreeMap<String, Found> out = new TreeMap<>();
        try (PreparedStatement exact = db.prepareStatement("SELECT id, name, unit, scale FROM series WHERE name = ?")) {
            for (String n : q.names()) {
                exact.setString(1, n);
                if (!collect(exact, out)) {
                    SeriesNames.Metric m = SeriesNames.metric("name", n);
                    out.put(n, new Found(-1, n, m.unit, m.scale));
                }
            }
        }
        if (q.prefix() != null) {
            // whole segments: "app/web" is itself or starts "app/web/" ('0' is the character after '/'), never "app/web.v2/..."
            try (PreparedStatement under = db.prepareStatement("SELECT id, name, unit, scale FROM series WHERE name = ? OR (name >= ? AND name < ?)")) {
                under.setString(1, q.prefix());
                under.setString(2, q.prefix() + "/");
                under.setString(3, q.prefix() + "0");
                collect(under, out);
            }
        }
        return new ArrayList<>(out.values());
    }

    private static boolean collect(PreparedStatement ps, Map<String, Found> out) throws SQLException {
        boolean any = false;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(2), new Found(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4)));
                any = true;
            }
        }
        return any;
    }

    private Map<Tier, Long> doneUntil() throws SQLException {
        Map<Tier, Long> done = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) done.put(t, 0L);
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT tier, done_until FROM rollups")) {
            while (rs.next()) {
                for (Tier t : Tier.values()) if (t.label.equals(rs.getString(1))) done.put(t, rs.getLong(2));
            }
        }
        return done;
    }

    /**
     * The rows of the series asked for, each tier's part of the range oldest first, bucketed as
     * they stream by in key (time) order: SQL's GROUP BY on t / step would sort them first, which
     * measured seven times slower.
     */
    private void read(Map<Long, Buckets> buckets, QueryPlan plan, Map<Tier, Long> done) throws SQLException {
        String ids = "?,".repeat(buckets.size() - 1) + "?";
        long lo = plan.fromSeconds();
        for (int k = plan.tier().ordinal(); k >= 0 && lo < plan.toSeconds(); k--) {
            Tier tier = Tier.values()[k];
            long hi = k == 0 ? plan.toSeconds() : Math.min(plan.toSeconds(), done.get(tier));
            if (hi <= lo) continue;
            try (PreparedStatement ps = db.prepareStatement("SELECT t, series, total, n, COALESCE(peak, total) FROM " + tier.table
                    + " WHERE t >= ? AND t < ? AND series IN (" + ids + ") ORDER BY t")) {
                ps.setLong(1, lo);
                ps.setLong(2, hi);
                int i = 3;
                for (long id : buckets.keySet()) ps.setLong(i++, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) buckets.get(rs.getLong(2)).add(rs.getLong(1), rs.getLong(3), rs.getLong(4), rs.getLong(5));
                }
            }
            lo = hi;
        }
    }

    /** Rows in time order, summed into buckets of step seconds. */
    private static final class Buckets {
        private final long step;
        private final double scale;
        private final boolean whole;
        private final SeriesAnswer.Points points;
        private long start = Long.MIN_VALUE;
        private long total;
        private long n;
        private long peak;

        Buckets(long step, double scale, boolean whole, int expected) {
            this.step = step;
            this.points = new SeriesAnswer.Points(expected);
            this.scale = scale;
            this.whole = whole;
        }

        void add(long t, long rowTotal, long rowN, long rowPeak) {
            long b = Math.floorDiv(t, step) * step;
            if (b != start) {
                close();
                start = b;
                total = 0;
                n = 0;
                peak = Long.MIN_VALUE;
            }
            total += rowTotal;
            n += rowN;
            peak = Math.max(peak, rowPeak);
        }

        private void close() {
            if (n == 0) return;
            double avg = (double) total / n / scale;
            avg = whole ? Math.round(avg) : Math.round(avg * scale * 10) / (scale * 10); // a tenth of what is kept
            points.add(start * 1000, avg, peak / scale);
        }

        SeriesAnswer.Points points() {
            close();
            n = 0;
            return points;
        }
    }

    synchronized List<String> names() {
        List<String> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM series ORDER BY name")) {
            while (rs.next()) out.add(rs.getString(1));
        } catch (SQLException e) {
            throw new StoreException(e);
        }
        return out;
    }

    synchronized long rows(Tier tier) {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + tier.table)) {
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    @Override public synchronized void close() throws SQLException {
        db.close();
    }
}
