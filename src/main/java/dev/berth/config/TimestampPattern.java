package dev.berth.config;

/**
 * A berth.yml `logs.timestamp` pattern (java.time letters, e.g. yyyy-MM-dd HH:mm:ss.SSS) turned
 * into the format of the log relay, which stamps lines in C at memory speed. Only the letters
 * the relay can produce are accepted, so a pattern that validates is exactly what lands in the log.
 */
public final class TimestampPattern {
    public static final String SUPPORTED = "yyyy MM dd HH mm ss SSS XXX Z, and text in 'quotes'";

    private TimestampPattern() { }

    /** @throws IllegalArgumentException naming the unsupported part */
    public static String toRelayFormat(String pattern) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                int end = pattern.indexOf('\'', i + 1);
                if (end < 0) throw new IllegalArgumentException("unclosed quote in timestamp pattern \"" + pattern + "\"");
                if (end == i + 1) out.append('\'');
                else out.append(pattern.substring(i + 1, end).replace("%", "%%"));
                i = end + 1;
                continue;
            }
            if (!Character.isLetter(c)) {
                out.append(c == '%' ? "%%" : String.valueOf(c));
                i++;
                continue;
            }
            int run = 1;
            while (i + run < pattern.length() && pattern.charAt(i + run) == c) run++;
            String token = pattern.substring(i, i + run);
            out.append(switch (token) {
                case "yyyy", "uuuu" -> "%Y";
                case "MM" -> "%m";
                case "dd" -> "%d";
                case "HH" -> "%H";
                case "mm" -> "%M";
                case "ss" -> "%S";
                case "SSS" -> "%3N";
                case "XXX", "xxx" -> "%:z";
                case "Z", "XX", "xx" -> "%z";
                default -> throw new IllegalArgumentException("timestamp pattern \"" + pattern + "\": \"" + token
                        + "\" is not supported; use " + SUPPORTED);
            });
            i += run;
        }
        return out.toString();
    }
}
