package dev.berth.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the writer in the middle of its rounds: a separate JVM writes rounds of 40 series as
 * fast as it can (roll-ups and pruning included) and is killed with SIGKILL; the file it leaves is
 * intact, holds every round it reported written, and no round in part.
 */
class HistoryCrashTest {
    static final int SERIES = 40;

    @TempDir Path tmp;

    /** The child: round after round, each reported on stdout once committed. */
    public static void main(String[] args) throws Exception {
        TestClock clock = new TestClock();
        MetricsHistory history = MetricsHistory.open(Path.of(args[0]), clock);
        for (long round = 0; ; round++) {
            long t = TestClock.START + round * 10_000;
            clock.set(t);
            for (int s = 0; s < SERIES; s++) history.record("app/app" + s + "/0/cpu", t, s + round % 7);
            clock.set(t + 10_500);
            history.flush();
            System.out.println(round);
            System.out.flush();
        }
    }

    @Test void aKilledWriterLeavesAnIntactFileWithWholeRounds() throws Exception {
        Path db = tmp.resolve("history.db");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HistoryCrashTest.class.getName(), db.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long reported = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                reported = Long.parseLong(line.strip());
                if (reported >= 400) break; // past several roll-ups of minutes and of five minutes
            }
            child.destroyForcibly(); // SIGKILL, in the middle of whatever round it is in
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(reported >= 400, "the child wrote " + reported + " rounds");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                assertEquals("ok", rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM (SELECT t FROM points_10s GROUP BY t HAVING COUNT(*) <> " + SERIES + ")")) {
                assertEquals(0, rs.getLong(1), "no round written in part");
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT t) FROM points_10s")) {
                assertTrue(rs.getLong(1) >= reported + 1, rs.getLong(1) + " rounds kept, " + (reported + 1) + " reported");
            }
        }
        try (MetricsHistory reopened = MetricsHistory.open(db, new TestClock(TestClock.START + (reported + 2) * 10_000))) {
            assertEquals(SERIES, reopened.seriesCount());
            assertTrue(reopened.rows(Tier.MINUTE) >= (long) SERIES * 60, "the roll-ups committed with their rounds");
        }
    }
}
