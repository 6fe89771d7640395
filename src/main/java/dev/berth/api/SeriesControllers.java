package dev.berth.api;

import dev.berth.config.Durations;
import dev.berth.history.MetricsHistory;
import dev.berth.history.SeriesAnswer;
import dev.berth.history.SeriesQuery;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics history for charts: GET /api/v1/series. The same readings /metrics shows now, over
 * time (series names in {@code dev.berth.history.SeriesNames}).
 */
public final class SeriesControllers {
    private static final long DEFAULT_RANGE_MILLIS = 3_600_000L;
    private static final String MOMENTS = "epoch milliseconds, an ISO-8601 instant (2025-01-31T12:00:00Z), \"now\" or a time ago like -1h, -24h, -7d";

    private final MetricsHistory history;
    private final Clock clock;

    public SeriesControllers(MetricsHistory history, Clock clock) {
        this.history = history;
        this.clock = clock;
    }

    /**
     * GET /api/v1/series?name=A,B&amp;prefix=app/web&amp;from=-24h&amp;to=now&amp;step=2m&amp;points=60
     *
     * <p>name: exact series names, comma-separated; prefix: whole segments (app, app/web, app/web/0,
     * host, check/api); at least one of them. from (default -1h) and to (default now): epoch ms, an
     * ISO-8601 instant, now, or -DURATION. step (optional): a duration (10s, 5m) or milliseconds;
     * points (optional): at most this many points per series (60 for a sparkline). The answer:
     * {from, to, step_ms, tier, series: [{name, unit, points: [[t_ms, avg, max], ...]}]}, a point per
     * bucket that has data; the step may be wider than asked (whole buckets of the tier, at most
     * 1,000 points per series and 50,000 per answer, so 250 each for 200 series).
     */
    public Object series(ApiServer.Request r) {
        if (history == null) throw new ApiError(503, "NO_HISTORY", "the metrics history could not be opened (see the daemon's log)");
        long now = clock.millis();
        SeriesAnswer a;
        try {
            long from = moment("from", r.string("from"), now, now - DEFAULT_RANGE_MILLIS);
            long to = moment("to", r.string("to"), now, now);
            String prefix = r.string("prefix");
            a = history.query(new SeriesQuery(names(r.string("name")), prefix == null || prefix.isBlank() ? null : prefix.strip(),
                    from, to, step(r.string("step")), points(r.string("points"))));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BAD_REQUEST", e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", a.fromMillis());
        out.put("to", a.toMillis());
        out.put("step_ms", a.stepMillis());
        out.put("tier", a.tier().label);
        List<Object> series = new ArrayList<>(a.series().size());
        for (SeriesAnswer.Series s : a.series()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("unit", s.unit());
            m.put("points", triples(s));
            series.add(m);
        }
        out.put("series", series);
        return out;
    }

    /**
     * [t_ms, avg, max] per point, each made as it is written and garbage at once: the answer
     * streams out (ApiServer.send), and up to 50,000 boxed triples held at once would each
     * outlive the daemon's 1 MB young generation and fill its old one.
     */
    private static List<Object> triples(SeriesAnswer.Series s) {
        List<SeriesAnswer.Point> points = s.points();
        return new AbstractList<>() {
            @Override public Object get(int i) {
                SeriesAnswer.Point p = points.get(i);
                return s.wholeNumbers() ? List.of(p.atMillis(), (long) p.avg(), (long) p.max()) : List.of(p.atMillis(), p.avg(), p.max());
            }

            @Override public int size() {
                return points.size();
            }
        };
    }

    private static List<String> names(String text) {
        if (text == null || text.isBlank()) return List.of();
        List<String> out = new ArrayList<>();
        for (String n : text.split(",")) if (!n.isBlank()) out.add(n.strip());
        return out;
    }

    /** from or to: epoch ms, an ISO-8601 instant, now, or -DURATION before now; absent gives the default. */
    static long moment(String param, String text, long now, long absent) {
        if (text == null || text.isBlank()) return absent;
        String t = text.strip();
        if (t.equals("now")) return now;
        if (t.startsWith("-")) {
            try {
                return now - Durations.parse(t.substring(1)).toMillis();
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new IllegalArgumentException(param + ": " + e.getMessage() + "; expected " + MOMENTS);
            }
        }
        if (t.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(param + ": " + t + " is too large; expected " + MOMENTS);
            }
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(param + ": expected " + MOMENTS + ", got \"" + t + "\"");
        }
    }

    private static Long step(String text) {
        if (text == null || text.isBlank()) return null;
        String t = text.strip();
        try {
            return t.chars().allMatch(Character::isDigit) ? Long.parseLong(t) : Durations.parse(t).toMillis();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("step: expected a duration like 10s, 5m or 1h, or milliseconds, got \"" + t + "\"");
        }
    }

    private static Integer points(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("points: expected a whole number of points per series (1 to 1000), got \"" + text.strip() + "\"");
        }
    }
}
