package dev.berth.history;

import dev.berth.files.PrivateFiles;
import dev.berth.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The metrics history: per-instance CPU and memory, host measures and check latencies (named as
 * {@link SeriesNames} says), kept in SQLite at BERTH_HOME/history.db, a file of its own so that
 * the state database stays small and its fsyncs are not shared with a write every 10 s.
 *
 * <p><b>Tiers and retention</b> ({@link Tier}): 10 s points for 24 h, 1 min buckets for 48 h,
 * 5 min and 1 h buckets for 30 days. A bucket keeps the sum, count and peak of its readings, so a
 * coarser bucket is the exact mean and max of the readings under it. A bucket is rolled up
 * into the next tier {@link #GRACE_SECONDS} after it ends (a check result that arrives a
 * little late still counts), and each tier is pruned once a minute.
 *
 * <p><b>Bounds.</b> At most {@link Limits#maxSeries} series: a new name beyond it takes the place of
 * the series silent the longest, if that one has been silent for an hour; else it is not recorded
 * (a warning says so). A berth.yml whose app or check names keep changing therefore cannot grow the
 * history. A table holds one row per series and bucket, and points in the future (a clock set back)
 * are pruned too, so a series has at most 20,880 rows (8,640 + 2,880 + 8,640 + 720, and the
 * minute of rows that waits for the next pruning). Measured over 30 simulated days
 * (HistoryVolume): 23 bytes a row, 0.5 MB per series; 30 MB for 10 apps of two instances, the
 * host and 20 checks (64 series), 126 MB for 50 apps and 50 checks (254), and so about 0.5 GB at
 * the 1,000 series of {@link Limits#DEFAULT}. Pruned pages are reused: the file stays at its
 * high-water mark rather than shrinking.
 *
 * <p><b>Writes</b>: readings are summed in memory ({@link PendingPoints}) and each sampling round
 * writes the slots that are complete, with the roll-ups and the pruning due, in one transaction:
 * 0.3 ms a round for 64 series, 1 ms for 254, and 260 to 480 MB a day passed to write(2), WAL and
 * checkpoints together (rows go at the end of their table: see {@link HistorySchema}).
 * WAL with synchronous=NORMAL: a kill -9 at any moment loses nothing committed and leaves a
 * readable file; a power cut may lose the last rounds, never the file. (The state database waits
 * for fsync because its rows are decisions; these are observations, 8,640 commits a day.) A file
 * SQLite cannot read is moved aside to history.db.damaged and a new one started: the daemon
 * never fails to start over its charts. Queries use a second connection, so a chart never waits
 * for a write, and read one snapshot.
 */
public final class MetricsHistory implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetricsHistory.class.getName());
    static final long SLOT_SECONDS = Tier.RAW.seconds;
    /** How long after its end a bucket is rolled up: two rounds, for results that arrive late. */
    static final long GRACE_SECONDS = 20;
    static final long PRUNE_EVERY_SECONDS = 60;
    /** Points further ahead than this are refused when recorded and pruned when the clock went back. */
    static final long FUTURE_SECONDS = 600;
    /** SQLite's page cache of each of the two connections, KiB. */
    static final int CACHE_KIB = 512;
    /** A series silent this long may give its place to a new one when the history is full. */
    static final long EVICTABLE_AFTER_SECONDS = 3600;
    /** last_seen is written at most this often per series (it decides only which series is silent for an hour). */
    private static final long LAST_SEEN_EVERY_SECONDS = 600;

    /**
     * @param maxSeries          series kept at most
     * @param maxSeriesPerQuery  series one query may return
     * @param maxPointsPerSeries points one series of an answer may have
     * @param maxPointsPerQuery  points one answer may have in all (fewer per series when it has many): an
     *                           answer is built in the daemon's small heap (-Xmx64m), about 100 bytes a point
     *                           until it is written, and 50,000 points are some 1.5 MB of JSON
     */
    public record Limits(int maxSeries, int maxSeriesPerQuery, int maxPointsPerSeries, int maxPointsPerQuery) {
        public static final Limits DEFAULT = new Limits(1000, 500, 1000, 50_000);
    }

    private final Path file;
    private final Clock clock;
    private final Limits limits;
    private final Connection writer;
    private final SeriesReads reads;
    private final PendingPoints pending = new PendingPoints();
    /** Names already found to be series names: the sampler records the same few hundred every second. */
    private final Map<String, SeriesNames.Metric> checkedNames = new ConcurrentHashMap<>();
    /** Under this object's lock, like everything the writer does; reloaded after a failed transaction. */
    private final Map<String, Long> ids = new HashMap<>();
    private final Map<Long, Long> lastSeenWritten = new HashMap<>();
    private final Map<Tier, Long> doneUntil = new EnumMap<>(Tier.class);
    private long nextPrune;
    private long lastWarned = Long.MIN_VALUE;
    private final Map<String, Boolean> refusedNames = new LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) { return size() > 100; }
    };

    private MetricsHistory(Path file, Clock clock, Limits limits, Connection writer, Connection reader) throws SQLException {
        this.file = file;
        this.clock = clock;
        this.limits = limits;
        this.writer = writer;
        this.reads = new SeriesReads(reader, limits);
        loadState();
    }

    /** Opens (or makes) the history at file, 0600 in a 0700 directory. */
    public static MetricsHistory open(Path file, Clock clock) throws IOException {
        return open(file, clock, Limits.DEFAULT);
    }

    public static MetricsHistory open(Path file, Clock clock, Limits limits) throws IOException {
        try {
            return connect(file, clock, limits);
        } catch (SQLException e) {
            if (!unreadable(e)) throw new IOException("cannot open the metrics history " + file + ": " + e.getMessage(), e);
            Path aside = file.resolveSibling(file.getFileName() + ".damaged");
            LOG.warning("metrics history " + file + " is unreadable (" + e.getMessage() + "); moved to " + aside + ", starting a new one");
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Path p = file.resolveSibling(file.getFileName() + suffix);
                if (Files.exists(p)) Files.move(p, aside.resolveSibling(aside.getFileName() + suffix), StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                return connect(file, clock, limits);
            } catch (SQLException again) {
                throw new IOException("cannot open the metrics history " + file + ": " + again.getMessage(), again);
            }
        }
    }

    private static MetricsHistory connect(Path file, Clock clock, Limits limits) throws IOException, SQLException {
        PrivateFiles.file(file);
        Connection writer = connection(file);
        Connection reader = null;
        try {
            HistorySchema.migrate(writer);
            reader = connection(file);
            for (String suffix : new String[] {"-wal", "-shm"}) {
                Path p = file.resolveSibling(file.getFileName() + suffix);
                if (Files.exists(p)) Files.setPosixFilePermissions(p, PrivateFiles.FILE); // SQLite gives them the file's mode; made sure
            }
            return new MetricsHistory(file, clock, limits, writer, reader);
        } catch (SQLException | IOException | RuntimeException e) {
            writer.close();
            if (reader != null) reader.close();
            throw e;
        }
    }

    private static Connection connection(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=5000");
            // SQLite's own page cache, per connection (2 MB by default): the writer appends at the end of each
            // table and a read streams once over its range, so the kernel's cache serves them as well (measured)
            s.execute("PRAGMA cache_size=-" + CACHE_KIB);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** SQLITE_CORRUPT or SQLITE_NOTADB: not a file to go on with. */
    private static boolean unreadable(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == 11 || primary == 26;
    }

    public Path file() { return file; }

    Clock clock() { return clock; }

    // ---- recording

    /**
     * One reading of a series at a moment, kept in memory until the round that follows its 10 s
     * slot. A name that is not a series name, a NaN and a moment more than 10 min ahead are ignored
     * (the first with a warning): a reading never fails its caller.
     */
    public void record(String series, long atMillis, double value) {
        SeriesNames.Metric metric = checkedNames.get(series);
        if (metric == null) {
            try {
                metric = SeriesNames.metric("series name", series);
            } catch (IllegalArgumentException e) {
                refused(series, e.getMessage());
                return;
            }
            if (checkedNames.size() >= 2 * limits.maxSeries()) checkedNames.clear(); // ever-new names: a cache, not a registry
            checkedNames.put(series, metric);
        }
        if (!Double.isFinite(value) || atMillis > clock.millis() + FUTURE_SECONDS * 1000) return;
        long slot = Math.floorDiv(Math.floorDiv(atMillis, 1000), SLOT_SECONDS) * SLOT_SECONDS;
        pending.add(series, slot, Math.round(value * metric.scale));
    }

    /** A check's run took latencyMs, finishing at atMillis: series check/NAME/latency. */
    public void recordCheck(String name, long atMillis, double latencyMs) {
        record(SeriesNames.checkLatency(name), atMillis, latencyMs);
    }

    /** Writes the slots complete at the clock's now. */
    public void flush() {
        flush(clock.millis());
    }

    /** Writes the slots that ended by nowMillis, rolls up and prunes what is due: one transaction. */
    public void flush(long nowMillis) {
        long now = Math.floorDiv(nowMillis, 1000);
        write(now, pending.takeBefore(Math.floorDiv(now, SLOT_SECONDS) * SLOT_SECONDS));
    }

    private synchronized void write(long now, Map<PendingPoints.Slot, PendingPoints.Sum> batch) {
        long dropped = pending.takeDropped();
        if (dropped > 0) warn("metrics history: " + dropped + " readings dropped, more than " + PendingPoints.MOST + " slots were waiting to be written");
        try {
            boolean auto = writer.getAutoCommit();
            writer.setAutoCommit(false);
            try {
                insert(batch, now);
                rollUp(now);
                if (now >= nextPrune) {
                    prune(now);
                    nextPrune = now + PRUNE_EVERY_SECONDS;
                }
                writer.commit();
            } catch (SQLException | RuntimeException e) {
                writer.rollback();
                loadState(); // what this transaction changed in the caches did not happen
                throw e;
            } finally {
                writer.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * The batch's rows, in key order (they go at the end of the table). The known series come
     * first, with their last_seen, so that a new series that needs room never takes the place of
     * one that is in this very round.
     */
    private void insert(Map<PendingPoints.Slot, PendingPoints.Sum> batch, long now) throws SQLException {
        if (batch.isEmpty()) return;
        List<Row> rows = new ArrayList<>(batch.size());
        List<Map.Entry<PendingPoints.Slot, PendingPoints.Sum>> fresh = new ArrayList<>();
        try (PreparedStatement seen = writer.prepareStatement("UPDATE series SET last_seen = ? WHERE id = ?")) {
            for (Map.Entry<PendingPoints.Slot, PendingPoints.Sum> e : batch.entrySet()) {
                Long id = ids.get(e.getKey().series());
                if (id == null) {
                    fresh.add(e);
                    continue;
                }
                rows.add(new Row(e.getKey().t(), id, e.getValue()));
                Long written = lastSeenWritten.get(id);
                if (written == null || now - written >= LAST_SEEN_EVERY_SECONDS) {
                    seen.setLong(1, now);
                    seen.setLong(2, id);
                    seen.addBatch();
                    lastSeenWritten.put(id, now);
                }
            }
            seen.executeBatch();
        }
        for (Map.Entry<PendingPoints.Slot, PendingPoints.Sum> e : fresh) {
            Long id = seriesId(e.getKey().series(), now);
            if (id != null) rows.add(new Row(e.getKey().t(), id, e.getValue()));
        }
        rows.sort(Comparator.comparingLong(Row::t).thenComparingLong(Row::series));
        try (PreparedStatement ps = writer.prepareStatement("INSERT INTO points_10s (t, series, total, n, peak) VALUES (?,?,?,?,?)"
                + " ON CONFLICT (t, series) DO UPDATE SET total = total + excluded.total, n = n + excluded.n,"
                + " peak = MAX(COALESCE(peak, total), COALESCE(excluded.peak, excluded.total))")) {
            for (Row r : rows) {
                ps.setLong(1, r.t());
                ps.setLong(2, r.series());
                ps.setLong(3, r.sum().total);
                ps.setInt(4, r.sum().n);
                if (r.sum().n == 1) ps.setNull(5, Types.INTEGER);
                else ps.setLong(5, r.sum().peak);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private record Row(long t, long series, PendingPoints.Sum sum) { }

    /** The series' id, made when it is new and there is room (or a silent series to give its place); null when not. */
    private Long seriesId(String name, long now) throws SQLException {
        Long known = ids.get(name);
        if (known != null) return known;
        if (ids.size() >= limits.maxSeries() && !evictSilent(now)) {
            refused(name, "the metrics history is full (" + limits.maxSeries() + " series, each recorded within the last hour); "
                    + name + " is not recorded");
            return null;
        }
        SeriesNames.Metric m = SeriesNames.metric("series name", name);
        try (PreparedStatement ps = writer.prepareStatement("INSERT INTO series (name, unit, scale, last_seen) VALUES (?,?,?,?)")) {
            ps.setString(1, name);
            ps.setString(2, m.unit);
            ps.setDouble(3, m.scale);
            ps.setLong(4, now);
            ps.executeUpdate();
        }
        long id;
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
            id = rs.getLong(1);
        }
        ids.put(name, id);
        lastSeenWritten.put(id, now);
        return id;
    }

    /** Removes the series silent the longest, when it has been silent an hour; false when none has. */
    private boolean evictSilent(long now) throws SQLException {
        long id;
        String name;
        try (PreparedStatement ps = writer.prepareStatement("SELECT id, name FROM series WHERE last_seen < ? ORDER BY last_seen, id LIMIT 1")) {
            ps.setLong(1, now - EVICTABLE_AFTER_SECONDS);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return false;
                id = rs.getLong(1);
                name = rs.getString(2);
            }
        }
        for (Tier t : Tier.values()) deleteSeries("DELETE FROM " + t.table + " WHERE series = ?", id); // a scan, when the history is full
        deleteSeries("DELETE FROM series WHERE id = ?", id);
        ids.remove(name);
        lastSeenWritten.remove(id);
        LOG.info("metrics history: series " + name + " dropped to make room for a new one (the history keeps " + limits.maxSeries() + ")");
        return true;
    }

    private void deleteSeries(String sql, long id) throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** Each coarser tier gets the buckets that are complete in the tier it is made from. */
    private void rollUp(long now) throws SQLException {
        for (Tier tier : Tier.values()) {
            Tier source = tier.source();
            if (source == null) continue;
            long complete = source == Tier.RAW ? now - GRACE_SECONDS : doneUntil.get(source);
            long end = Math.floorDiv(complete, tier.seconds) * tier.seconds;
            long done = Math.min(doneUntil.get(tier), end); // after the clock went back, the buckets ahead are made again
            long start = Math.max(done, Math.floorDiv(now - source.retentionSeconds, tier.seconds) * tier.seconds);
            if (end > start) {
                try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO " + tier.table + " (t, series, total, n, peak)"
                        + " SELECT (t / ?) * ?, series, SUM(total), SUM(n), MAX(COALESCE(peak, total)) FROM " + source.table
                        + " WHERE t >= ? AND t < ? GROUP BY t / ?, series")) {
                    ps.setLong(1, tier.seconds);
                    ps.setLong(2, tier.seconds);
                    ps.setLong(3, start);
                    ps.setLong(4, end);
                    ps.setLong(5, tier.seconds);
                    ps.executeUpdate();
                }
            }
            if (end != doneUntil.get(tier)) {
                try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO rollups (tier, done_until) VALUES (?,?)")) {
                    ps.setString(1, tier.label);
                    ps.setLong(2, end);
                    ps.executeUpdate();
                }
                doneUntil.put(tier, end);
            }
        }
    }

    /** Rows past each tier's retention or too far ahead, and series with no row left anywhere. */
    private void prune(long now) throws SQLException {
        for (Tier t : Tier.values()) {
            for (String cmp : new String[] {"<=", ">"}) {
                try (PreparedStatement ps = writer.prepareStatement("DELETE FROM " + t.table + " WHERE t " + cmp + " ?")) {
                    ps.setLong(1, cmp.equals("<=") ? now - t.retentionSeconds : now + FUTURE_SECONDS);
                    ps.executeUpdate();
                }
            }
        }
        try (PreparedStatement ps = writer.prepareStatement("DELETE FROM series WHERE last_seen < ?")) {
            ps.setLong(1, now - Tier.FIVE_MINUTES.retentionSeconds);
            if (ps.executeUpdate() > 0) loadState();
        }
    }

    private void loadState() throws SQLException {
        ids.clear();
        lastSeenWritten.clear();
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name, last_seen FROM series")) {
            while (rs.next()) {
                ids.put(rs.getString(2), rs.getLong(1));
                lastSeenWritten.put(rs.getLong(1), rs.getLong(3));
            }
        }
        for (Tier t : Tier.values()) doneUntil.put(t, 0L);
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("SELECT tier, done_until FROM rollups")) {
            while (rs.next()) {
                for (Tier t : Tier.values()) if (t.label.equals(rs.getString(1))) doneUntil.put(t, rs.getLong(2));
            }
        }
    }

    private void refused(String name, String why) {
        synchronized (refusedNames) {
            if (refusedNames.put(name, Boolean.TRUE) != null) return; // said once per name (of the last 100)
        }
        LOG.warning(why);
    }

    private void warn(String message) {
        long now = clock.millis();
        if (now - lastWarned < 60_000) return;
        lastWarned = now;
        LOG.warning(message);
    }

    // ---- reading

    /** The series the query names, over its range, at the tier and step its caps allow. */
    public SeriesAnswer query(SeriesQuery q) {
        return reads.query(q, clock.millis());
    }

    /** How many series are kept. */
    public synchronized int seriesCount() {
        return ids.size();
    }

    /** Every series name kept, in order. */
    public List<String> names() {
        return reads.names();
    }

    /** Rows in one tier (for tests and the size measurement). */
    public long rows(Tier tier) {
        return reads.rows(tier);
    }

    /** Writes every reading still in memory, complete slots or not; then closes the database. */
    @Override public synchronized void close() {
        try {
            write(Math.floorDiv(clock.millis(), 1000), pending.takeBefore(Long.MAX_VALUE));
        } catch (StoreException e) {
            LOG.warning("metrics history: the last readings were not written: " + e.getMessage());
        } finally {
            try {
                reads.close();
                writer.close();
            } catch (SQLException e) {
                LOG.warning("metrics history: close: " + e.getMessage());
            }
        }
    }
}
