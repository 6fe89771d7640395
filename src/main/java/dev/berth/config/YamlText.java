package dev.berth.config;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Writes a string as a YAML scalar that reads back as exactly that string: plain when safe, double-quoted otherwise. */
final class YamlText {
    /** Plain scalars limited to characters that mean nothing to YAML, in block and flow context alike. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./+-][A-Za-z0-9_./+=@%-]*( [A-Za-z0-9_./+=@%-]+)*");
    /** Words the YAML core schema reads as null or booleans, and forms it reads as numbers. */
    private static final Set<String> RESERVED = Set.of("null", "~", "true", "false", "yes", "no", "on", "off", ".nan", ".inf", "-.inf");

    private YamlText() { }

    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT)) && !s.startsWith("- ") && !s.equals("-")) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
