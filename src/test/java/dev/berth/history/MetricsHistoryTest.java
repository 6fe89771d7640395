package dev.berth.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on a real SQLite file: tiers, roll-ups, retention, bounds and the queries over them. */
class MetricsHistoryTest {
    static final long T0 = TestClock.START;
    static final long MIN = 60_000;

    @TempDir Path tmp;
    final TestClock clock = new TestClock();
    MetricsHistory history;

    @BeforeEach void open() throws Exception {
        history = MetricsHistory.open(tmp.resolve("history.db"), clock);
    }

    @AfterEach void close() {
        history.close();
    }

    /** Records value(i) for slot i = 0..slots-1 from T0 on, and flushes after each slot as the sampler does. */
    void everySlot(String series, int slots, java.util.function.IntToDoubleFunction value) {
        for (int i = 0; i < slots; i++) {
            clock.set(T0 + i * 10_000L);
            history.record(series, clock.millis(), value.applyAsDouble(i));
            clock.set(T0 + (i + 1) * 10_000L + 500);
            history.flush();
        }
    }

    /** One sampling round: a reading of value for each series in the slot at t, written when the slot has ended. */
    void roundAt(long t, double value, List<String> series) {
        clock.set(t);
        for (String s : series) history.record(s, t, value);
        clock.set(t + 10_500);
        history.flush();
    }

    void reopenWith(MetricsHistory.Limits limits) throws Exception {
        history.close();
        history = MetricsHistory.open(tmp.resolve("history.db"), clock, limits);
    }

    SeriesAnswer query(String name, long from, long to, Long stepMillis) {
        return history.query(new SeriesQuery(List.of(name), null, from, to, stepMillis, null));
    }

    @Test void coarserTiersKeepTheMeanAndThePeakOfTheReadingsUnderThem() {
        everySlot("host/cpu", 30, i -> i * 1.5); // 0, 1.5, ... 43.5 over five minutes
        clock.set(T0 + 5 * MIN + MetricsHistory.GRACE_SECONDS * 1000);
        history.flush();
        assertEquals(30, history.rows(Tier.RAW));
        assertEquals(5, history.rows(Tier.MINUTE));
        assertEquals(1, history.rows(Tier.FIVE_MINUTES));

        SeriesAnswer five = query("host/cpu", T0, T0 + 5 * MIN, 5 * MIN);
        assertEquals(Tier.FIVE_MINUTES, five.tier());
        assertEquals(List.of(new SeriesAnswer.Point(T0, 21.75, 43.5)), five.series().get(0).points());

        SeriesAnswer minutes = query("host/cpu", T0, T0 + 5 * MIN, MIN);
        assertEquals(Tier.MINUTE, minutes.tier());
        List<SeriesAnswer.Point> p = minutes.series().get(0).points();
        assertEquals(5, p.size());
        assertEquals(new SeriesAnswer.Point(T0 + MIN, 1.5 * 8.5, 1.5 * 11), p.get(1), "slots 6..11");

        SeriesAnswer raw = query("host/cpu", T0, T0 + MIN, 10_000L);
        assertEquals(Tier.RAW, raw.tier());
        assertEquals(6, raw.series().get(0).points().size());
        assertEquals(new SeriesAnswer.Point(T0 + 30_000, 4.5, 4.5), raw.series().get(0).points().get(3));
    }

    @Test void aMeanCountsEveryReadingOnceNotEverySlot() {
        // ten one-second readings of 10 in the first slot, one of 100 in the second: the minute's mean is 200/11
        for (int s = 0; s < 10; s++) history.record("app/web/0/cpu", T0 + s * 1000L, 10);
        history.record("app/web/0/cpu", T0 + 10_000, 100);
        assertEquals(List.of(new SeriesAnswer.Point(T0, 18.18, 100)), firstMinuteOnceRolledUp("app/web/0/cpu"));
    }

    /** The first minute's bucket of series, read from the 1 min tier once its grace is over. */
    List<SeriesAnswer.Point> firstMinuteOnceRolledUp(String series) {
        clock.set(T0 + MIN + MetricsHistory.GRACE_SECONDS * 1000);
        history.flush();
        SeriesAnswer a = query(series, T0, T0 + MIN, MIN);
        assertEquals(Tier.MINUTE, a.tier());
        return a.series().get(0).points();
    }

    @Test void aBucketIsRolledUpOnlyAfterItsGraceSoALateResultStillCounts() {
        history.record("check/api/latency", T0 + 50_000, 10);
        clock.set(T0 + MIN + 5_000); // the minute ended, its grace has not
        history.flush();
        assertEquals(0, history.rows(Tier.MINUTE));
        history.recordCheck("api", T0 + 55_000, 30); // finished at :55, arrives at 1:05
        assertEquals(List.of(new SeriesAnswer.Point(T0, 20, 30)), firstMinuteOnceRolledUp("check/api/latency"));
    }

    @Test void theLastMinutesOfACoarseChartComeFromTheFinerTiers() {
        everySlot("host/mem", 60, i -> i); // ten minutes, the last of them not rolled up yet
        long now = clock.millis();
        SeriesAnswer a = history.query(new SeriesQuery(List.of("host/mem"), null, now - Duration.ofHours(24).toMillis(), now, null, null));
        assertEquals(Tier.MINUTE, a.tier());
        assertEquals(120_000, a.stepMillis());
        List<SeriesAnswer.Point> p = a.series().get(0).points();
        assertEquals(5, p.size(), p.toString());
        // every two minutes holds 12 readings: slots 48..59 for the last, whose second minute is still only in the raw tier
        assertEquals(new SeriesAnswer.Point(T0 + 8 * MIN, 53.5, 59), p.get(4));
        assertEquals(new SeriesAnswer.Point(T0, 5.5, 11), p.get(0));
    }

    @Test void unitsAndScalesSurviveTheRoundTrip() {
        history.record("app/web/0/rss", T0, 123_456_789);
        history.record("host/load1", T0, 0.37);
        history.record("check/api/latency", T0, 12.34);
        clock.set(T0 + 10_500);
        history.flush();
        SeriesAnswer a = history.query(new SeriesQuery(List.of("app/web/0/rss", "host/load1", "check/api/latency"), null, T0, T0 + 10_000, null, null));
        assertEquals(List.of("app/web/0/rss", "check/api/latency", "host/load1"), a.series().stream().map(SeriesAnswer.Series::name).toList());
        SeriesAnswer.Series rss = a.series().get(0);
        assertEquals("bytes", rss.unit());
        assertTrue(rss.wholeNumbers());
        assertEquals(123_456_512.0, rss.points().get(0).max(), "kept to the KiB");
        assertEquals(new SeriesAnswer.Point(T0, 12.3, 12.3), a.series().get(1).points().get(0), "kept to 0.1 ms");
        assertEquals("ms", a.series().get(1).unit());
        assertEquals(0.37, a.series().get(2).points().get(0).avg());
    }

    @Test void eachTierIsPrunedAfterItsRetentionAndThenTheSeriesGoes() {
        history.record("host/disk", T0, 50);
        clock.set(T0 + 6 * MIN);
        history.flush();
        assertEquals(List.of(1L, 1L, 1L, 0L), rows(), "its hour has not ended");

        clock.set(T0 + Duration.ofHours(24).toMillis() + 10_000);
        history.flush();
        assertEquals(List.of(0L, 1L, 1L, 1L), rows(), "10 s points kept 24 h");
        clock.set(T0 + Duration.ofHours(48).toMillis() + MIN);
        history.flush();
        assertEquals(List.of(0L, 0L, 1L, 1L), rows(), "1 min buckets kept 48 h");
        SeriesAnswer old = query("host/disk", T0, T0 + Duration.ofHours(1).toMillis(), null);
        assertEquals(Tier.FIVE_MINUTES, old.tier(), "only the 5 min tier still holds it");
        assertEquals(List.of(new SeriesAnswer.Point(T0, 50, 50)), old.series().get(0).points());

        clock.set(T0 + Duration.ofDays(30).toMillis() + 10 * MIN);
        history.flush();
        assertEquals(List.of(0L, 0L, 0L, 0L), rows(), "5 min and 1 h buckets kept 30 d");
        assertEquals(List.of(), history.names(), "a series with nothing left is forgotten");
    }

    List<Long> rows() {
        return java.util.Arrays.stream(Tier.values()).map(history::rows).toList();
    }

    @Test void rowsStayWithinEachTiersBucketsHoweverLongItRuns() {
        // 50 h of two series, written in rounds of 10 minutes (60 slots each) to keep the test fast
        long end = T0 + Duration.ofHours(50).toMillis();
        for (long t = T0; t < end; t += 10_000) {
            history.record("host/cpu", t, (t / 10_000) % 100);
            history.record("app/web/0/rss", t, 1 << 20);
            if ((t - T0) % (10 * MIN) == 10 * MIN - 10_000) {
                clock.set(t + 10_500);
                history.flush();
            }
        }
        long raw = history.rows(Tier.RAW);
        assertTrue(raw <= 2 * 8640 && raw >= 2 * 8639, raw + " 10 s rows");
        long minutes = history.rows(Tier.MINUTE);
        assertTrue(minutes <= 2 * 2880 && minutes >= 2 * 2878, minutes + " 1 min rows");
        long fives = history.rows(Tier.FIVE_MINUTES);
        assertTrue(fives <= 2 * 600 && fives >= 2 * 598, fives + " 5 min rows");
        assertEquals(2 * 49, history.rows(Tier.HOUR), "the 50th hour has not ended");
    }

    @Test void aFullHistoryRefusesNewNamesWhileEverySeriesIsCurrentThenGivesTheSilentOnesPlace() throws Exception {
        reopenWith(new MetricsHistory.Limits(3, 10, 1000, 10_000));
        roundAt(T0, 1, List.of("app/a/0/cpu", "app/b/0/cpu", "app/c/0/cpu"));
        roundAt(T0 + 10_000, 1, List.of("app/d/0/cpu"));
        assertEquals(List.of("app/a/0/cpu", "app/b/0/cpu", "app/c/0/cpu"), history.names());

        // two hours on: a and b go on, c fell silent; d takes c's place, in the same round as a and b
        long later = T0 + Duration.ofHours(2).toMillis();
        roundAt(later, 2, List.of("app/d/0/cpu", "app/a/0/cpu", "app/b/0/cpu"));
        assertEquals(List.of("app/a/0/cpu", "app/b/0/cpu", "app/d/0/cpu"), history.names());
        assertEquals(3, history.seriesCount());
        assertEquals(List.of(), query("app/c/0/cpu", T0, later, null).series().get(0).points(), "its rows went with it");
        assertEquals(5, history.rows(Tier.RAW), "a, b twice; d once");

        // ever-new names: each is refused while the three are current, and the count never grows
        List<String> round = new java.util.ArrayList<>(List.of("app/a/0/cpu", "app/b/0/cpu", "app/d/0/cpu"));
        for (int i = 0; i < 50; i++) round.add(i, "app/new" + i + "/0/rss");
        roundAt(later + 10_000, 3, round);
        assertEquals(List.of("app/a/0/cpu", "app/b/0/cpu", "app/d/0/cpu"), history.names());
    }

    @Test void readingsThatAreNoSeriesOrFromTheFutureAreDroppedAndTheNamesStayParameters() {
        history.record("app/web'); DROP TABLE series; --/0/cpu", T0, 1);
        history.record("host/cpu", T0 + Duration.ofHours(1).toMillis(), 1); // an hour ahead of the clock
        history.record("host/mem", T0, Double.NaN);
        history.record("app/w_b/0/cpu", T0, 1);
        history.record("app/web/0/cpu", T0, 2);
        history.record("app/web.v2/0/cpu", T0, 3);
        clock.set(T0 + 10_500);
        history.flush();
        assertEquals(List.of("app/w_b/0/cpu", "app/web.v2/0/cpu", "app/web/0/cpu"), history.names());
        // '_' is no wildcard, and app/web is not the start of app/web.v2
        assertEquals(List.of("app/w_b/0/cpu"), prefix("app/w_b"));
        assertEquals(List.of("app/web/0/cpu"), prefix("app/web"));
        assertEquals(List.of("app/w_b/0/cpu", "app/web.v2/0/cpu", "app/web/0/cpu"), prefix("app"));
    }

    List<String> prefix(String p) {
        return history.query(new SeriesQuery(List.of(), p, T0, T0 + MIN, null, null)).series().stream().map(SeriesAnswer.Series::name).toList();
    }

    @Test void aNameWithoutDataAnswersEmptyAndTooManySeriesAreRefusedNamingTheLimit() throws Exception {
        reopenWith(new MetricsHistory.Limits(100, 2, 1000, 10_000));
        roundAt(T0, 1, List.of("app/a/0/cpu", "app/a/0/rss", "app/a/1/cpu"));
        SeriesAnswer none = query("app/zzz/0/cpu", T0, T0 + MIN, null);
        assertEquals("%", none.series().get(0).unit());
        assertEquals(List.of(), none.series().get(0).points());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> history.query(new SeriesQuery(List.of(), "app/a", T0, T0 + MIN, null, null)));
        assertEquals("prefix \"app/a\" matches 3 series; at most 2 per request: use a longer prefix or name them", e.getMessage());
        assertEquals(2, history.query(new SeriesQuery(List.of(), "app/a/0", T0, T0 + MIN, null, null)).series().size());
    }

    @Test void manySeriesShareThePointBudgetOfOneAnswer() throws Exception {
        reopenWith(new MetricsHistory.Limits(100, 100, 1000, 100));
        for (int i = 0; i < 360; i++) {
            clock.set(T0 + i * 10_000L);
            for (int a = 0; a < 10; a++) history.record("app/a" + a + "/0/cpu", clock.millis(), i);
        }
        clock.set(T0 + Duration.ofHours(1).toMillis() + 500);
        history.flush();
        assertEquals(3600, history.rows(Tier.RAW));
        SeriesAnswer all = history.query(new SeriesQuery(List.of(), "app", T0, clock.millis(), null, null));
        assertEquals(10, all.series().size());
        assertEquals(600_000, all.stepMillis());
        for (SeriesAnswer.Series s : all.series()) {
            assertEquals(6, s.points().size(), s.name());
            assertEquals(new SeriesAnswer.Point(T0 + 600_000, 89.5, 119), s.points().get(1), "slots 60..119");
        }
    }

    @Test void theFileIsPrivate() throws Exception {
        roundAt(T0, 1, List.of("host/cpu"));
        for (String name : List.of("history.db", "history.db-wal", "history.db-shm")) {
            Path p = tmp.resolve(name);
            assertTrue(Files.exists(p), name);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), name);
        }
    }

    @Test void anUnreadableFileIsMovedAsideAndANewHistoryStarts() throws Exception {
        history.close();
        Path db = tmp.resolve("history.db");
        Files.delete(db);
        Files.deleteIfExists(tmp.resolve("history.db-wal"));
        Files.deleteIfExists(tmp.resolve("history.db-shm"));
        Files.write(db, "this is not a database, it is a file someone overwrote".repeat(200).getBytes());
        history = MetricsHistory.open(db, clock);
        assertTrue(Files.exists(tmp.resolve("history.db.damaged")));
        roundAt(T0, 1, List.of("host/cpu"));
        assertEquals(List.of("host/cpu"), history.names());
    }

    @Test void whatIsStillInMemoryIsWrittenOnCloseAndReadAfterReopening() throws Exception {
        history.record("host/cpu", T0 + 3_000, 7); // its slot has not ended
        history.close();
        history = MetricsHistory.open(tmp.resolve("history.db"), clock);
        assertEquals(List.of(new SeriesAnswer.Point(T0, 7, 7)), query("host/cpu", T0, T0 + MIN, null).series().get(0).points());
    }
}
