package dev.berth.history;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The history database's tables (PRAGMA user_version), each version one transaction. A point row
 * is (series, t, total, n, peak): the sum of n stored integers of its bucket and the largest of
 * them; peak is NULL when n is 1 (it is total then), which keeps a host or check point to about
 * 14 bytes. A table holds at most one row per series and bucket, which is what bounds it.
 *
 * <p>Keyed (t, series) WITHOUT ROWID, time first: a round's rows go at the end of the table, so a
 * commit writes a page or two, and pruning deletes from the start. Keyed by series first, the same
 * round touched one page per series: measured with 64 series, 1.4 ms of commit per round and about
 * 2 GB a day written to the WAL, for reads of one series that are cheaper than they need to be (a
 * read scans the range for all series, in SQLite's C, and returns those asked for).
 */
final class HistorySchema {
    static final int VERSION = 1;

    private HistorySchema() { }

    static void migrate(Connection db) throws SQLException {
        int version;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > VERSION) {
            throw new SQLException("history database schema " + version + " is newer than this berth (" + VERSION + "); upgrade berth");
        }
        if (version == VERSION) return;
        boolean auto = db.getAutoCommit();
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            s.execute("""
                CREATE TABLE series (
                  id INTEGER PRIMARY KEY,
                  name TEXT NOT NULL UNIQUE,
                  unit TEXT NOT NULL,
                  scale REAL NOT NULL,
                  last_seen INTEGER NOT NULL)""");
            for (Tier t : Tier.values()) {
                s.execute("CREATE TABLE " + t.table + " (series INTEGER NOT NULL, t INTEGER NOT NULL, total INTEGER NOT NULL,"
                        + " n INTEGER NOT NULL, peak INTEGER, PRIMARY KEY (t, series)) WITHOUT ROWID");
            }
            // how far each coarser tier is rolled up (epoch seconds, exclusive): written with the rows it covers
            s.execute("CREATE TABLE rollups (tier TEXT PRIMARY KEY, done_until INTEGER NOT NULL)");
            s.execute("PRAGMA user_version=" + VERSION);
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(auto);
        }
    }
}
