package dev.berth.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a string as a YAML scalar that reads back as exactly that string: plain when safe, double-quoted
 * otherwise; and mappings of them as block YAML, which is how the importers write a berth.yml.
 */
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

    /**
     * A mapping as block YAML at the indent: nested mappings as blocks, lists in flow style, each
     * string as {@link #scalar}; a Boolean as true or false.
     */
    @SuppressWarnings("unchecked")
    static void block(StringBuilder sb, Map<String, Object> map, int indent) {
        String pad = " ".repeat(indent);
        for (Map.Entry<String, Object> e : map.entrySet()) {
            sb.append(pad).append(scalar(e.getKey())).append(':');
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    sb.append(" {}\n");
                } else {
                    sb.append('\n');
                    block(sb, (Map<String, Object>) m, indent + 2);
                }
            } else if (v instanceof List<?> l) {
                sb.append(" [").append(String.join(", ", l.stream().map(o -> scalar(String.valueOf(o))).toList())).append("]\n");
            } else if (v instanceof Boolean b) {
                sb.append(' ').append(b).append('\n');
            } else {
                sb.append(' ').append(scalar(String.valueOf(v))).append('\n');
            }
        }
    }
}
