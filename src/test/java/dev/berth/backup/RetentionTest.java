package dev.berth.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.config.BackupSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    /** Archives every 12 hours for 100 days, newest first, ids counting down from the newest. */
    private static List<Retention.Archive> twiceADay() {
        List<Retention.Archive> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) out.add(new Retention.Archive(1000 - i, NOW.minus(Duration.ofHours(12L * i))));
        return out;
    }

    private static List<Long> kept(List<Retention.Archive> all, BackupSpec.Retention r) {
        List<Long> removed = Retention.toRemove(all, r, NOW);
        return all.stream().map(Retention.Archive::id).filter(id -> !removed.contains(id)).toList();
    }

    @Test void noRuleKeepsEverything() {
        assertEquals(List.of(), Retention.toRemove(twiceADay(), new BackupSpec.Retention(null, null, null, null, null), NOW));
    }

    @Test void keepLastKeepsTheNewest() {
        assertEquals(List.of(1000L, 999L, 998L), kept(twiceADay(), new BackupSpec.Retention(3, null, null, null, null)));
    }

    @Test void dailyKeepsTheNewestOfEachDay() {
        // 12:00 and 00:00 each day: the 12:00 one is the newest of its day
        assertEquals(List.of(1000L, 998L, 996L), kept(twiceADay(), new BackupSpec.Retention(null, 3, null, null, null)));
    }

    @Test void rulesAddUpWeeklyAndMonthlyReachBack() {
        List<Long> k = kept(twiceADay(), new BackupSpec.Retention(1, 2, 3, 4, null));
        // last 1 and daily 2: 1000, 998; weekly 3: newest of this week and the two before; monthly 4: of Nov, Oct, Sep, Aug
        assertEquals(true, k.containsAll(List.of(1000L, 998L)));
        assertEquals(1 + 1 + 2 + 3, k.size(), k.toString()); // 1000 (today), 998, two earlier weeks, three earlier months
    }

    @Test void maxAgeRemovesOldOnesButNeverTheNewest() {
        assertEquals(List.of(1000L, 999L, 998L), kept(twiceADay(), new BackupSpec.Retention(null, null, null, null, Duration.ofHours(25))));
        List<Retention.Archive> old = List.of(new Retention.Archive(5, NOW.minus(Duration.ofDays(400))), new Retention.Archive(4, NOW.minus(Duration.ofDays(500))));
        assertEquals(List.of(5L), kept(old, new BackupSpec.Retention(null, null, null, null, Duration.ofDays(30))), "the newest good archive stays");
    }

    /**
     * Safety archives (s) beside regular ones (r): archives newest first as id, kind and age
     * ("3s@2d": #3, a safety archive taken 2 days before now); the rules as keep_* keys.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # what                                                          | archives, newest first             | keep              | kept
            a restore of the only archive under keep_last 1 keeps it        | 2s@0h 1r@1h                       | last=1            | 2 1
            a restore of the older of two under keep_last 2 keeps both      | 3s@0h 2r@1h 1r@2h                 | last=2            | 3 2 1
            restoring the same archive twice keeps it and both safeties     | 3s@0h 2s@1h 1r@2h                 | last=1            | 3 2 1
            the next regular run counts regular archives only               | 4r@0h 3s@1h 2s@2h 1r@3h           | last=1            | 4 3 2
            keep_daily counts regular archives only                         | 4s@0h 3r@1h 2r@1d 1r@2d           | daily=2           | 4 3 2
            a safety archive is kept 7 days                                 | 5r@0h 4s@6d 3s@8d 2s@9d 1r@10d    | last=5            | 5 4 1
            the newest safety archive stays after 7 days                    | 3r@0h 2s@30d 1s@31d               | last=1            | 3 2
            only safety archives: the newest stays                          | 2s@10d 1s@20d                     | last=1            | 2
            max_age removes older safety archives too, not the newest       | 4r@0h 3s@1d 2s@2d 1r@3d           | last=5 max_age=36h | 4 3
            a newer safety archive never pushes out the newest regular one  | 2s@0h 1r@400d                     | max_age=30d       | 2 1
            with no retention key every archive stays                       | 3s@30d 2r@1h 1s@40d               | none              | 3 2 1
            """)
    void safetyArchivesSitOutsideKeepRules(String what, String archives, String keep, String kept) {
        List<Retention.Archive> all = Arrays.stream(archives.trim().split("\\s+")).map(a -> {
            String[] idAge = a.split("@");
            long id = Long.parseLong(idAge[0].substring(0, idAge[0].length() - 1));
            return new Retention.Archive(id, NOW.minus(age(idAge[1])), idAge[0].endsWith("s"));
        }).toList();
        Integer last = null, daily = null;
        Duration maxAge = null;
        for (String rule : keep.trim().split("\\s+")) {
            if (rule.equals("none")) continue;
            String[] kv = rule.split("=");
            switch (kv[0]) {
                case "last" -> last = Integer.valueOf(kv[1]);
                case "daily" -> daily = Integer.valueOf(kv[1]);
                case "max_age" -> maxAge = age(kv[1]);
                default -> throw new IllegalArgumentException(rule);
            }
        }
        List<Long> expected = Arrays.stream(kept.trim().split("\\s+")).map(Long::valueOf).toList();
        assertEquals(expected, kept(all, new BackupSpec.Retention(last, daily, null, null, maxAge)), what);
    }

    private static Duration age(String s) {
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return s.endsWith("d") ? Duration.ofDays(n) : Duration.ofHours(n);
    }
}
