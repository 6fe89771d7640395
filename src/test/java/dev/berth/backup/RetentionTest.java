package dev.berth.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.config.BackupSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
