package dev.berth.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in berth.yml: an integer and a unit, powers of 1024 ({@code 512K},
 * {@code 500M}, {@code 1G}, {@code 2T}, {@code 100B}), case-insensitive, with an optional trailing B
 * ({@code 500MB}). A bare number is refused: nobody can tell whether it meant bytes or megabytes.
 */
public final class Sizes {
    static final String EXPECTED = "expected a size like 512K, 500M, 1G or 2T (powers of 1024)";

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)B?", Pattern.CASE_INSENSITIVE);

    private Sizes() { }

    public static long parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.matches("-?\\d+")) {
            throw new IllegalArgumentException(EXPECTED + ", got \"" + s + "\": add a unit, like " + s + "M");
        }
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) { // a bare number was refused above, so a match always has a unit
            throw new IllegalArgumentException(EXPECTED + ", got \"" + s + "\"");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size \"" + s + "\" is too large");
        }
    }

    /** The berth.yml text of a byte count, in the largest unit that divides it exactly ("1536K", "2G"). */
    public static String format(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return bytes + "B";
    }
}
