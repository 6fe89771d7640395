package dev.berth.history;

import dev.berth.api.ApiServer;
import dev.berth.api.SeriesControllers;
import dev.berth.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The size of a full history and the time of the dashboard's queries over it. Writes DAYS
 * simulated days of APPS apps x INSTANCES instances (cpu, rss), the host (4 series) and CHECKS
 * check latencies through the real path (record, then one flush per 10 s round, roll-ups and
 * pruning included), then prints the file's size, the rows per tier and the time of each query.
 *
 * <pre>java -cp target/classes:target/test-classes:DEPS dev.berth.history.HistoryVolume DIR [DAYS APPS INSTANCES CHECKS]</pre>
 */
public final class HistoryVolume {
    private HistoryVolume() { }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int apps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int instances = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int checks = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        Files.createDirectories(dir);
        Path db = dir.resolve("history.db");
        for (String s : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(dir.resolve("history.db" + s));

        TestClock clock = new TestClock();
        long start = clock.millis();
        long end = start + Duration.ofDays(days).toMillis();
        Random random = new Random(42);
        long t0 = System.nanoTime();
        long written0 = writtenBytes();
        try (MetricsHistory history = MetricsHistory.open(db, clock)) {
            for (long t = start; t < end; t += 10_000) {
                clock.set(t);
                for (int a = 0; a < apps; a++) {
                    for (int i = 0; i < instances; i++) {
                        for (int s = 0; s < 10; s++) { // the sampler's ten one-second readings
                            history.record(SeriesNames.app("app" + a, i, "cpu"), t + s * 1000L, 5 + random.nextDouble() * 40);
                            history.record(SeriesNames.app("app" + a, i, "rss"), t + s * 1000L, 150_000_000 + random.nextInt(50_000_000));
                        }
                    }
                }
                history.record("host/cpu", t, random.nextDouble() * 100);
                history.record("host/mem", t, 40 + random.nextDouble() * 20);
                history.record("host/load1", t, random.nextDouble() * 4);
                history.record("host/disk", t, 61.3);
                for (int c = 0; c < checks; c++) history.recordCheck("check" + c, t, 2 + random.nextDouble() * 80);
                clock.set(t + 10_050);
                history.flush();
            }
            System.out.printf("wrote %d days of %d series in %.1f s (%.2f ms per round), %,.0f bytes written per simulated day%n",
                    days, history.seriesCount(), (System.nanoTime() - t0) / 1e9, (System.nanoTime() - t0) / 1e6 / (days * 8640.0),
                    (double) (writtenBytes() - written0) / days);
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); var st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        long bytes = Files.size(db) + sizeOrZero(dir.resolve("history.db-wal"));
        try (MetricsHistory history = MetricsHistory.open(db, clock)) {
            long rows = 0;
            for (Tier t : Tier.values()) {
                rows += history.rows(t);
                System.out.printf("  %-12s %,10d rows%n", t, history.rows(t));
            }
            System.out.printf("history.db: %,d bytes (%.1f MB), %.1f bytes per row, %.2f MB per series%n",
                    bytes, bytes / 1e6, (double) bytes / rows, bytes / 1e6 / history.seriesCount());

            List<String> fifty = new ArrayList<>();
            for (String n : history.names()) if (fifty.size() < 50 && !n.startsWith("host/")) fifty.add(n);
            SeriesControllers api = new SeriesControllers(history, clock);
            String names = String.join(",", fifty);
            time(api, "50 series by name, -24h", Map.of("name", names, "from", "-24h"));
            time(api, "50 series by name, -1h", Map.of("name", names, "from", "-1h"));
            time(api, "50 series by name, -7d", Map.of("name", names, "from", "-7d"));
            time(api, "50 series by name, -30d", Map.of("name", names, "from", "-30d"));
            time(api, "prefix app, -24h, 60 points", Map.of("prefix", "app", "from", "-24h", "points", "60"));
            time(api, "prefix app, -24h", Map.of("prefix", "app", "from", "-24h"));
        }
    }

    /** What this process passed to write(2) so far (/proc/self/io wchar): the WAL, the checkpoints. */
    private static long writtenBytes() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("wchar:")) return Long.parseLong(line.substring(6).strip());
        }
        return 0;
    }

    private static long sizeOrZero(Path p) throws java.io.IOException {
        return Files.exists(p) ? Files.size(p) : 0;
    }

    /** The handler and its JSON, as the API serves it: the median of 15 runs after 5 to warm up. */
    private static void time(SeriesControllers api, String what, Map<String, Object> query) throws Exception {
        ApiServer.Request r = new ApiServer.Request("GET", "/api/v1/series", List.of(), query);
        long[] ns = new long[20];
        int bytes = 0;
        for (int i = 0; i < ns.length; i++) {
            long t0 = System.nanoTime();
            bytes = Json.write(api.series(r)).length();
            ns[i] = System.nanoTime() - t0;
        }
        long first = ns[0];
        long[] measured = Arrays.copyOfRange(ns, 5, ns.length);
        Arrays.sort(measured);
        System.out.printf("  %-32s first %6.1f ms, median %6.1f ms, max %6.1f ms, %,d bytes of JSON%n",
                what, first / 1e6, measured[measured.length / 2] / 1e6, measured[measured.length - 1] / 1e6, bytes);
    }
}
