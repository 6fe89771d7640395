// Writes DAYS simulated days of metrics history into HISTORY_DB, through Berth's own MetricsHistory
// (record, then one flush per 10 s round: the roll-ups and the pruning are the real ones), the way
// the daemon's HistorySampler feeds it: ten one-second readings of each instance's cpu and rss per
// round, the host's cpu, mem, load1 and disk once a round, and one latency per check per round.
//
//   java -cp target/berth.jar bench/dashboard/FillHistory.java HISTORY_DB APPS INSTANCES DAYS [CHECKS] [PREFIX] [END]
//
//   APPS, INSTANCES  series app/PREFIX<a>/<i>/cpu|rss for a in 0..APPS-1, i in 0..INSTANCES-1
//                    (PREFIX: "app" unless given, so the names of a berth.yml with apps app0, app1, ...)
//   CHECKS           comma-separated check names (check/NAME/latency), "-" for none (default "-")
//   END              "now" (default): the simulated time runs from DAYS before the real now up to the
//                    real now (the loop goes on until it has caught up with the wall clock), so a daemon
//                    started on the file right after finds a history that ends where its own begins;
//                    or an epoch in ms: the simulated days end there (a timeline of its own, for sizing).
//
// Prints one JSON line per report (after simulated days 1, 7, 14, 21, 28, 30 and every day after 30,
// and at the end): {"day", "bytes" (file + WAL), "rows": {tier: n}, "series", "elapsed_s"}, and a last
// line {"done": true, ...} with the rounds written and the time taken. Uses only the public API of
// dev.berth.history (no test classes). Part of bench/dashboard (see bench/README.md).
import dev.berth.history.MetricsHistory;
import dev.berth.history.SeriesNames;
import dev.berth.history.Tier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Random;

public class FillHistory {
    /** A clock the fill moves: MetricsHistory refuses readings more than 10 min ahead of it. */
    static final class SimClock extends Clock {
        volatile long millis;
        SimClock(long millis) { this.millis = millis; }
        @Override public long millis() { return millis; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis); }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    }

    static final long DAY = 86_400_000L;
    static final long ROUND = 10_000L;

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: FillHistory HISTORY_DB APPS INSTANCES DAYS [CHECKS|-] [PREFIX] [now|END_MS]");
            System.exit(2);
        }
        Path db = Path.of(args[0]);
        int apps = Integer.parseInt(args[1]);
        int instances = Integer.parseInt(args[2]);
        int days = Integer.parseInt(args[3]);
        String[] checks = args.length > 4 && !args[4].equals("-") && !args[4].isEmpty() ? args[4].split(",") : new String[0];
        String prefix = args.length > 5 ? args[5] : "app";
        boolean toNow = args.length <= 6 || args[6].equals("now");
        long end = toNow ? System.currentTimeMillis() : Long.parseLong(args[6]);
        // on a whole hour, like the daemon's buckets of every tier
        long start = Math.floorDiv(end - days * DAY, 3_600_000L) * 3_600_000L;
        Files.createDirectories(db.toAbsolutePath().getParent());

        String[][] cpu = new String[apps][instances];
        String[][] rss = new String[apps][instances];
        for (int a = 0; a < apps; a++) {
            for (int i = 0; i < instances; i++) {
                cpu[a][i] = SeriesNames.app(prefix + a, i, "cpu");
                rss[a][i] = SeriesNames.app(prefix + a, i, "rss");
            }
        }
        // FILL_READINGS: readings per instance per round (10, as the daemon's sampler; fewer only to test)
        int readings = Integer.parseInt(System.getenv().getOrDefault("FILL_READINGS", "10"));
        SimClock clock = new SimClock(start);
        Random random = new Random(42);
        long t0 = System.nanoTime();
        long rounds = 0;
        int nextDay = 1;
        try (MetricsHistory history = MetricsHistory.open(db, clock)) {
            long t = start;
            while (toNow ? t < System.currentTimeMillis() - ROUND : t < end) {
                clock.millis = t;
                for (int a = 0; a < apps; a++) {
                    for (int i = 0; i < instances; i++) {
                        for (int s = 0; s < readings; s++) { // the sampler's ten one-second readings
                            history.record(cpu[a][i], t + s * 1000L, 5 + random.nextDouble() * 40);
                            history.record(rss[a][i], t + s * 1000L, 150_000_000 + random.nextInt(50_000_000));
                        }
                    }
                }
                history.record("host/cpu", t, random.nextDouble() * 100);
                history.record("host/mem", t, 40 + random.nextDouble() * 20);
                history.record("host/load1", t, random.nextDouble() * 4);
                history.record("host/disk", t, 61.3);
                for (String c : checks) history.recordCheck(c, t, 2 + random.nextDouble() * 80);
                clock.millis = t + ROUND + 50; // just past the round, as the sampler flushes
                history.flush(clock.millis);
                rounds++;
                t += ROUND;
                if (t - start >= nextDay * DAY) {
                    if (nextDay == 1 || nextDay % 7 == 0 || nextDay >= 30) report(history, db, nextDay, t0);
                    nextDay++;
                }
            }
            clock.millis = t;
        }
        System.out.printf(Locale.ROOT, "{\"done\": true, \"rounds\": %d, \"start_ms\": %d, \"end_ms\": %d, \"elapsed_s\": %.1f, \"ms_per_round\": %.3f}%n",
                rounds, start, start + rounds * ROUND, (System.nanoTime() - t0) / 1e9, rounds == 0 ? 0.0 : (System.nanoTime() - t0) / 1e6 / rounds);
    }

    static void report(MetricsHistory history, Path db, int day, long t0) throws Exception {
        StringBuilder rows = new StringBuilder();
        for (Tier tier : Tier.values()) {
            if (rows.length() > 0) rows.append(", ");
            rows.append('"').append(tier.label).append("\": ").append(history.rows(tier));
        }
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        long bytes = Files.size(db) + (Files.exists(wal) ? Files.size(wal) : 0);
        System.out.printf(Locale.ROOT, "{\"day\": %d, \"bytes\": %d, \"db_bytes\": %d, \"rows\": {%s}, \"series\": %d, \"elapsed_s\": %.1f}%n",
                day, bytes, Files.size(db), rows, history.seriesCount(), (System.nanoTime() - t0) / 1e9);
        System.out.flush();
    }
}
