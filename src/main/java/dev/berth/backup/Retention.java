package dev.berth.backup;

import dev.berth.config.BackupSpec;
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

/** Which archives a retention policy removes. Pure: times in, ids out, so the rules are tested alone. */
public final class Retention {
    /** One good archive: its catalog id and when it was taken. */
    public record Archive(long id, Instant at) { }

    private Retention() { }

    /** The ids to remove, from archives given newest first. The newest is never among them. */
    public static List<Long> toRemove(List<Archive> newestFirst, BackupSpec.Retention keep, Instant now) {
        if (newestFirst.isEmpty() || keep == null || keep.keepsEverything()) return List.of();
        Set<Long> kept = new LinkedHashSet<>();
        boolean anyKeepRule = keep.last() != null || keep.daily() != null || keep.weekly() != null || keep.monthly() != null;
        if (!anyKeepRule) newestFirst.forEach(a -> kept.add(a.id()));
        if (keep.last() != null) newestFirst.stream().limit(keep.last()).forEach(a -> kept.add(a.id()));
        keepNewestPer(newestFirst, keep.daily(), a -> day(a).toString(), kept);
        keepNewestPer(newestFirst, keep.weekly(), a -> day(a).get(IsoFields.WEEK_BASED_YEAR) + "-W" + day(a).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), kept);
        keepNewestPer(newestFirst, keep.monthly(), a -> day(a).getYear() + "-" + day(a).getMonthValue(), kept);
        if (keep.maxAge() != null) {
            Instant limit = now.minus(keep.maxAge());
            newestFirst.stream().filter(a -> a.at().isBefore(limit)).forEach(a -> kept.remove(a.id()));
        }
        kept.add(newestFirst.get(0).id()); // the newest good archive always stays
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
