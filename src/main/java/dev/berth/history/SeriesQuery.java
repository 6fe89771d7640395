package dev.berth.history;

import java.util.List;

/**
 * What one request for series asks: exact names and/or one prefix of whole segments (see
 * {@link SeriesNames}), a time range [from, to) in epoch milliseconds, and optionally the width of
 * a point (step) and how many points a series may have at most (points). Without a step the
 * finest the caps allow is given. Each refusal names its parameter.
 */
public record SeriesQuery(List<String> names, String prefix, long fromMillis, long toMillis, Long stepMillis, Integer points) {

    public SeriesQuery {
        names = names == null ? List.of() : List.copyOf(names);
        for (String n : names) SeriesNames.require("name", n);
        if (prefix != null) prefix = SeriesNames.requirePrefix("prefix", prefix);
        if (names.isEmpty() && prefix == null) {
            throw new IllegalArgumentException("name or prefix is required: a series name (" + SeriesNames.FORMS + ") or a prefix such as app/web");
        }
        if (fromMillis < 0) throw new IllegalArgumentException("from is before 1970: " + fromMillis);
        if (fromMillis >= toMillis) throw new IllegalArgumentException("from (" + fromMillis + ") must be before to (" + toMillis + ")");
        if (stepMillis != null && stepMillis < 1000) throw new IllegalArgumentException("step must be at least 1s, got " + stepMillis + " ms");
        if (points != null && points < 1) throw new IllegalArgumentException("points must be at least 1, got " + points);
    }
}
