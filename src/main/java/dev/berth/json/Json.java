package dev.berth.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON (RFC 8259) in and out for the API, the CLI and the state store: plain maps (in
 * order), lists, strings, numbers, booleans and null.
 *
 * <p>Written here rather than taken from a library, on measurement: every CLI call is a
 * fresh JVM, and the libraries' set-up dominated `berth status --json` — jackson-jr about
 * 15 ms, jackson-core's parser still 11 ms, nearly all of it initialising BigDecimal for
 * number handling we do not need (bench/supervisor, `-Xlog:class+init`). The format is
 * small and exactly specified; JsonTest holds this code to it.
 */
public final class Json {
    /** Nesting deeper than this is refused rather than overflowing the stack. */
    static final int MAX_DEPTH = 512;

    private Json() { }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        new Writer(out, false, null, 0).value(value, 0);
        return out.toString();
    }

    /** Where {@link #stream} sends its text, a piece at a time. */
    public interface Sink {
        void write(CharSequence piece) throws IOException;
    }

    /**
     * Writes value compactly, handing the text to sink whenever it has grown past chunkChars
     * (between two items of an array, never inside one), so a large answer is never held whole.
     * Returns the rest, shorter than chunkChars or the last item: a small value never reaches
     * sink at all, and its caller can still send it with its length.
     */
    public static String stream(Object value, int chunkChars, Sink sink) throws IOException {
        StringBuilder out = new StringBuilder(Math.min(chunkChars, 8192) + 256);
        try {
            new Writer(out, false, sink, chunkChars).value(value, 0);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out.toString();
    }

    /** Two-space indented, one member per line. */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder(512);
        new Writer(out, true, null, 0).value(value, 0);
        return out.toString();
    }

    /** Any JSON value: Map, List, String, Integer/Long/BigInteger, Double, Boolean or null. */
    public static Object read(String text) {
        if (text == null) throw new IllegalArgumentException("invalid JSON: no text");
        Reader r = new Reader(text);
        r.skipSpace();
        if (r.pos >= text.length()) throw new IllegalArgumentException("invalid JSON: no value");
        Object value = r.value(0);
        r.skipSpace();
        if (r.pos < text.length()) throw r.error("more text after the value");
        return value;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readMap(String text) {
        if (text == null || text.isBlank()) return new LinkedHashMap<>();
        Object v = read(text);
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException("invalid JSON: expected an object, found " + kind(v));
    }

    public static Map<String, String> readStringMap(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        readMap(text).forEach((k, v) -> out.put(k, v == null ? null : String.valueOf(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> readList(String text) {
        Object v = read(text);
        if (v instanceof List<?> l) return (List<Object>) l;
        throw new IllegalArgumentException("invalid JSON: expected an array, found " + kind(v));
    }

    private static String kind(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        if (v instanceof String) return "a string";
        if (v instanceof Number) return "a number";
        return "a boolean";
    }

    // ---- writing --------------------------------------------------------------------------

    private record Writer(StringBuilder out, boolean pretty, Sink sink, int chunkChars) {
        // An if-chain, not a pattern switch: a switch on types spins a helper class at run
        // time, a few milliseconds of every CLI call.
        void value(Object v, int depth) {
            if (depth > MAX_DEPTH) throw new IllegalArgumentException("JSON nesting deeper than " + MAX_DEPTH);
            if (v == null) {
                out.append("null");
            } else if (v instanceof String s) {
                string(s);
            } else if (v instanceof Map<?, ?> m) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) out.append(',');
                    first = false;
                    newline(depth + 1);
                    string(String.valueOf(e.getKey()));
                    out.append(pretty ? ": " : ":");
                    value(e.getValue(), depth + 1);
                }
                if (!first) newline(depth);
                out.append('}');
            } else if (v instanceof Path p) {
                string(p.toString()); // a Path is Iterable (of its names), but means its text
            } else if (v instanceof Iterable<?> items) {
                array(items, depth);
            } else if (v instanceof Object[] items) {
                array(List.of(items), depth);
            } else if (v instanceof Boolean b) {
                out.append(b.booleanValue());
            } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                out.append(((Number) v).longValue()); // the primitive append makes no String: a chart has thousands
            } else if (v instanceof BigInteger) {
                out.append(v);
            } else if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) out.append("null"); // JSON has no NaN or infinity
                else if (d == Math.rint(d) && Math.abs(d) < 1e15) out.append((long) d).append(".0");
                else if (v instanceof Float f) out.append(f.floatValue()); // its own shortest digits, not a double's
                else out.append(d);
            } else if (v instanceof BigDecimal b) {
                out.append(b.toString());
            } else {
                string(v.toString()); // paths, instants, durations, enums and the like: their text form
            }
        }

        private void array(Iterable<?> items, int depth) {
            out.append('[');
            boolean first = true;
            for (Object o : items) {
                if (!first) out.append(',');
                first = false;
                newline(depth + 1);
                value(o, depth + 1);
                if (sink != null && out.length() >= chunkChars) flush();
            }
            if (!first) newline(depth);
            out.append(']');
        }

        private void flush() {
            try {
                sink.write(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.setLength(0);
        }

        private void newline(int depth) {
            if (!pretty) return;
            out.append('\n');
            for (int i = 0; i < depth; i++) out.append("  ");
        }

        private void string(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        // Control characters must be escaped; U+2028/2029 too, for readers that treat them as line ends.
                        if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                            out.append("\\u");
                            String hex = Integer.toHexString(c);
                            for (int k = hex.length(); k < 4; k++) out.append('0');
                            out.append(hex);
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

    // ---- reading --------------------------------------------------------------------------

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
            if (pos >= s.length()) throw error("unexpected end of text");
            char c = s.charAt(pos);
            switch (c) {
                case '{' -> {
                    pos++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    skipSpace();
                    if (peek() == '}') {
                        pos++;
                        return m;
                    }
                    while (true) {
                        skipSpace();
                        if (peek() != '"') throw error("expected a member name in double quotes");
                        int at = pos;
                        String key = string();
                        skipSpace();
                        expect(':');
                        skipSpace();
                        if (m.containsKey(key)) {
                            pos = at;
                            throw error("duplicate member \"" + key + "\"");
                        }
                        m.put(key, value(depth + 1));
                        skipSpace();
                        if (peek() == ',') {
                            pos++;
                        } else if (peek() == '}') {
                            pos++;
                            return m;
                        } else {
                            throw error("expected ',' or '}'");
                        }
                    }
                }
                case '[' -> {
                    pos++;
                    List<Object> l = new ArrayList<>();
                    skipSpace();
                    if (peek() == ']') {
                        pos++;
                        return l;
                    }
                    while (true) {
                        skipSpace();
                        l.add(value(depth + 1));
                        skipSpace();
                        if (peek() == ',') {
                            pos++;
                        } else if (peek() == ']') {
                            pos++;
                            return l;
                        } else {
                            throw error("expected ',' or ']'");
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                case 't' -> {
                    literal("true");
                    return Boolean.TRUE;
                }
                case 'f' -> {
                    literal("false");
                    return Boolean.FALSE;
                }
                case 'n' -> {
                    literal("null");
                    return null;
                }
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    throw error("unexpected character '" + c + "'");
                }
            }
        }

        private String string() {
            pos++; // the opening quote
            StringBuilder sb = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                    pos++;
                    return out;
                }
                if (c < 0x20) throw error("control character in a string (escape it)");
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) sb = new StringBuilder();
                sb.append(s, start, pos);
                pos++;
                if (pos >= s.length()) throw error("unterminated escape");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("incomplete \\u escape");
                        int code = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = Character.digit(s.charAt(pos + k), 16);
                            if (d < 0) throw error("bad \\u escape");
                            code = code * 16 + d;
                        }
                        pos += 4;
                        sb.append((char) code); // surrogate pairs come as two escapes and join up in the String
                    }
                    default -> {
                        pos--;
                        throw error("bad escape \\" + e);
                    }
                }
                start = pos;
            }
        }

        private Object number() {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') {
                pos++;
            } else if (peek() >= '1' && peek() <= '9') {
                while (isDigit(peek())) pos++;
            } else {
                throw error("bad number");
            }
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) throw error("bad number: digits must follow '.'");
                while (isDigit(peek())) pos++;
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!isDigit(peek())) throw error("bad number: digits must follow the exponent");
                while (isDigit(peek())) pos++;
            }
            String text = s.substring(start, pos);
            if (!integral) return Double.parseDouble(text);
            int digits = text.length() - (text.charAt(0) == '-' ? 1 : 0);
            if (digits <= 9) return Integer.parseInt(text);
            if (digits <= 18) {
                long l = Long.parseLong(text);
                return l == (int) l ? (Object) (int) l : (Object) l;
            }
            BigInteger big = new BigInteger(text);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }

        private void literal(String word) {
            if (!s.startsWith(word, pos)) throw error("unexpected text (expected " + word + ")");
            pos += word.length();
        }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "'");
            pos++;
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                pos++;
            }
        }

        IllegalArgumentException error(String what) {
            int line = 1;
            int col = 1;
            for (int i = 0; i < pos && i < s.length(); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new IllegalArgumentException("invalid JSON at line " + line + ", column " + col + ": " + what);
        }
    }
}
