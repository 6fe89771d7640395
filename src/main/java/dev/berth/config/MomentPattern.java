package dev.berth.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Converts a moment.js date format (PM2's log_date_format) to a java.time pattern (logs.timestamp).
 * moment leaves unknown letters as they are and escapes text in [brackets]; java.time reserves every
 * letter, so both become quoted literals. Tokens that have no exact java.time twin are refused.
 */
final class MomentPattern {
    /** Longest first, so that YYYY is not read as YY YY; a null value is a moment token with no java.time twin. */
    private static final Map<String, String> TOKENS = new LinkedHashMap<>();

    static {
        String[][] pairs = {
                {"DDDD", null}, {"DDD", null}, {"Do", null},
                {"YYYY", "yyyy"}, {"YY", "yy"},
                {"MMMM", "MMMM"}, {"MMM", "MMM"}, {"MM", "MM"}, {"M", "M"},
                {"DD", "dd"}, {"D", "d"},
                {"HH", "HH"}, {"H", "H"}, {"hh", "hh"}, {"h", "h"},
                {"mm", "mm"}, {"m", "m"},
                {"ss", "ss"}, {"s", "s"},
                {"SSS", "SSS"}, {"SS", "SS"}, {"S", "S"},
                {"ZZ", "xx"}, {"Z", "xxx"},
                {"A", "a"}, {"a", "a"},
        };
        for (String[] p : pairs) {
            TOKENS.put(p[0], p[1]);
        }
    }

    /** moment letters with a meaning we cannot carry over exactly (day names, week numbers, unix time ...). */
    private static final String UNSUPPORTED_LETTERS = "dDoEewWQXxkNgGLl";

    private MomentPattern() { }

    /** The java.time pattern, or empty when the format uses a token that has no java.time equivalent. */
    static Optional<String> toJava(String moment) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        outer:
        while (i < moment.length()) {
            char c = moment.charAt(i);
            if (c == '[') {
                int close = moment.indexOf(']', i);
                if (close < 0) {
                    return Optional.empty();
                }
                literal.append(moment, i + 1, close);
                i = close + 1;
                continue;
            }
            for (Map.Entry<String, String> t : TOKENS.entrySet()) {
                if (moment.startsWith(t.getKey(), i)) {
                    if (t.getValue() == null) {
                        return Optional.empty();
                    }
                    flush(literal, out);
                    out.append(t.getValue());
                    i += t.getKey().length();
                    continue outer;
                }
            }
            if (UNSUPPORTED_LETTERS.indexOf(c) >= 0) {
                return Optional.empty();
            }
            literal.append(c);
            i++;
        }
        flush(literal, out);
        return Optional.of(out.toString());
    }

    /** Writes pending literal text: letters and quotes need java.time quoting, punctuation does not. */
    private static void flush(StringBuilder literal, StringBuilder out) {
        if (literal.isEmpty()) {
            return;
        }
        String text = literal.toString();
        if (text.chars().anyMatch(ch -> Character.isLetter(ch) || ch == '\'' || ch == '[' || ch == ']' || ch == '{' || ch == '}' || ch == '#')) {
            out.append('\'').append(text.replace("'", "''")).append('\'');
        } else {
            out.append(text);
        }
        literal.setLength(0);
    }
}
