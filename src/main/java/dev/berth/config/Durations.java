package dev.berth.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in berth.yml: an integer and a unit ({@code 500ms}, {@code 10s}, {@code 5m},
 * {@code 1h}, {@code 2d}), or several of them in a row ({@code 1m30s}). A bare number is refused on
 * purpose: PM2 reads numbers as milliseconds and people read them as seconds.
 */
public final class Durations {
    static final String EXPECTED = "expected a duration like 500ms, 10s, 5m, 1h or 2d (or combined, like 1m30s)";

    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() { }

    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        if (!WHOLE.matcher(s).matches()) {
            String hint = s.matches("-?\\d+") ? " (add a unit)" : "";
            throw new IllegalArgumentException(EXPECTED + ", got \"" + s + "\"" + hint);
        }
        try {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(s);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return total;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("duration \"" + s + "\" is too large");
        }
    }

    /** The shortest berth.yml text for a duration ("1m30s", "250ms"); the inverse of {@link #parse}. */
    public static String format(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long ms = d.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms >= sizes[i]) {
                sb.append(ms / sizes[i]).append(units[i]);
                ms %= sizes[i];
            }
        }
        return sb.toString();
    }
}
