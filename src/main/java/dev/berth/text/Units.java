package dev.berth.text;

import java.time.Duration;

/** Durations and sizes written the way an operator reads them: 1.2s, 3m4s, 2h5m, 5d3h; 12.5M, 1.1G. */
public final class Units {
    private Units() { }

    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + "ms";
        long s = ms / 1000;
        if (s < 60) return (ms % 1000 == 0 || s >= 10) ? s + "s" : tenths(Math.round(ms / 100.0)) + "s";
        long m = s / 60;
        if (m < 60) return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        long h = m / 60;
        if (h < 24) return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
        return (h / 24) + "d" + (h % 24 == 0 ? "" : (h % 24) + "h");
    }

    public static String bytes(long b) {
        if (b < 1024) return b + "B";
        String[] units = {"K", "M", "G", "T"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v >= 100 ? String.valueOf(Math.round(v)) : tenths(Math.round(v * 10))) + units[u];
    }

    /**
     * 15 -> "1.5". By hand rather than String.format: that loads the locale data (about 10 ms
     * of a CLI call) and writes "1,5" in some locales.
     */
    private static String tenths(long tenths) {
        return (tenths / 10) + "." + (tenths % 10);
    }
}
