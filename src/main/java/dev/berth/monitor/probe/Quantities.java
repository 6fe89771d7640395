package dev.berth.monitor.probe;

import java.time.Duration;

/** How numbers, units and durations read in probe messages. */
final class Quantities {
    private Quantities() { }

    /** "3412 ms", "87.3%", "1.53 days", "7": no more digits than a reader needs. */
    static String format(double value, String unit) {
        String number = number(value);
        if (unit == null || unit.isEmpty()) return number;
        return unit.equals("%") ? number + "%" : number + " " + unit;
    }

    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) return Double.toString(value);
        double magnitude = Math.abs(value);
        double scale = magnitude >= 100 ? 1 : magnitude >= 10 ? 10 : 100;
        double rounded = Math.round(value * scale) / scale;
        if (rounded == Math.rint(rounded) && Math.abs(rounded) < 1e15) return Long.toString((long) rounded);
        return Double.toString(rounded);
    }

    /** "5m", "30s", "1h30m", "250ms": how windows and timeouts are written in config. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0 || ms == 0) return ms + "ms";
        long s = ms / 1000;
        StringBuilder out = new StringBuilder();
        if (s >= 3600) out.append(s / 3600).append('h');
        if (s % 3600 >= 60) out.append(s % 3600 / 60).append('m');
        if (s % 60 != 0) out.append(s % 60).append('s');
        return out.toString();
    }

    /** At most max characters, with an ellipsis when cut. */
    static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
