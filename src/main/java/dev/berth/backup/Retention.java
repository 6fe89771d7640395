package dev.berth.backup;

import dev.berth.config.BackupSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which archives a retention policy removes. Pure: times in, ids out, so the rules are tested alone.
 *
 * Safety archives (taken by a restore of the state it overwrites) sit outside the keep_* rules:
 * they neither count towards them nor are removed by them, so a restore never pushes out the
 * archive it restores or the newest regular one. Each is kept {@link #SAFETY_KEPT}; the newest
 * safety archive always stays; max_age removes older ones, as it does every archive.
 */
public final class Retention {
    /** How long a safety archive is kept (the newest one stays longer, until a newer one is taken). */
    public static final Duration SAFETY_KEPT = Duration.ofDays(7);

    /** One good archive: its catalog id, when it was taken, and whether a restore took it as its safety backup. */
    public record Archive(long id, Instant at, boolean safety) {
        public Archive(long id, Instant at) {
            this(id, at, false);
        }
    }

    private Retention() { }

    /**
     * The ids to remove, from archives given newest first. Neither the newest regular archive
     * nor the newest safety archive is ever among them. With no retention key nothing is removed.
     */
    public static List<Long> toRemove(List<Archive> newestFirst, BackupSpec.Retention keep, Instant now) {
        if (newestFirst.isEmpty() || keep == null || keep.keepsEverything()) return List.of();
        List<Archive> regular = newestFirst.stream().filter(a -> !a.safety()).toList();
        List<Archive> safety = newestFirst.stream().filter(Archive::safety).toList();
        Set<Long> kept = new LinkedHashSet<>();
        boolean anyKeepRule = keep.last() != null || keep.daily() != null || keep.weekly() != null || keep.monthly() != null;
        if (!anyKeepRule) regular.forEach(a -> kept.add(a.id()));
        if (keep.last() != null) regular.stream().limit(keep.last()).forEach(a -> kept.add(a.id()));
        keepNewestPer(regular, keep.daily(), a -> day(a).toString(), kept);
        keepNewestPer(regular, keep.weekly(), a -> day(a).get(IsoFields.WEEK_BASED_YEAR) + "-W" + day(a).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), kept);
        keepNewestPer(regular, keep.monthly(), a -> day(a).getYear() + "-" + day(a).getMonthValue(), kept);
        Instant safetyLimit = now.minus(SAFETY_KEPT);
        safety.stream().filter(a -> !a.at().isBefore(safetyLimit)).forEach(a -> kept.add(a.id()));
        if (keep.maxAge() != null) {
            Instant limit = now.minus(keep.maxAge());
            newestFirst.stream().filter(a -> a.at().isBefore(limit)).forEach(a -> kept.remove(a.id()));
        }
        if (!regular.isEmpty()) kept.add(regular.get(0).id()); // the newest good regular archive always stays
        if (!safety.isEmpty()) kept.add(safety.get(0).id()); // and so does the newest safety archive
        List<Long> out = new ArrayList<>();
        for (Archive a : newestFirst) if (!kept.contains(a.id())) out.add(a.id());
        return out;
    }

    /** The newest archive of each of the first n periods that have one. */
    private static void keepNewestPer(List<Archive> newestFirst, Integer n, Function<Archive, String> period, Set<Long> kept) {
        if (n == null) return;
        Set<String> seen = new HashSet<>();
        for (Archive a : newestFirst) {
            if (seen.size() >= n && !seen.contains(period.apply(a))) break;
            if (seen.add(period.apply(a))) kept.add(a.id());
        }
    }

    private static LocalDate day(Archive a) {
        return LocalDate.ofInstant(a.at(), ZoneOffset.UTC);
    }
}
