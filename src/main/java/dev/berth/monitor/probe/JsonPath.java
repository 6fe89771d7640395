package dev.berth.monitor.probe;

import dev.berth.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small dotted path into a document read by {@link Json#read}: {@code $.status},
 * {@code data.items[0].ok}, {@code $["key.with.dots"]}. The leading {@code $} is optional. No
 * wildcards, filters or negative indexes: a health endpoint's field is named, not searched for.
 */
public final class JsonPath {
    private final String text;
    private final List<Object> steps; // String member names and Integer array indexes

    private JsonPath(String text, List<Object> steps) {
        this.text = text;
        this.steps = steps;
    }

    /** @throws IllegalArgumentException naming the position of the first mistake */
    public static JsonPath parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty JSON path");
        String s = text.strip();
        List<Object> steps = new ArrayList<>();
        int i = s.startsWith("$") ? 1 : 0;
        boolean first = true;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '[') {
                int close = s.indexOf(']', i);
                if (close < 0) throw error(text, i, "'[' without ']'");
                String inside = s.substring(i + 1, close).strip();
                if (inside.length() >= 2 && (inside.charAt(0) == '"' || inside.charAt(0) == '\'')
                        && inside.charAt(inside.length() - 1) == inside.charAt(0)) {
                    steps.add(inside.substring(1, inside.length() - 1));
                } else if (!inside.isEmpty() && inside.chars().allMatch(Character::isDigit)) {
                    try {
                        steps.add(Integer.parseInt(inside));
                    } catch (NumberFormatException e) {
                        throw error(text, i, "index too large");
                    }
                } else {
                    throw error(text, i, "expected an array index or a quoted name in [...]");
                }
                i = close + 1;
            } else {
                if (c == '.') {
                    i++;
                } else if (!first || s.startsWith("$")) {
                    throw error(text, i, "expected '.' or '['");
                }
                int end = i;
                while (end < s.length() && s.charAt(end) != '.' && s.charAt(end) != '[') end++;
                if (end == i) throw error(text, i, "empty name");
                steps.add(s.substring(i, end));
                i = end;
            }
            first = false;
        }
        return new JsonPath(text.strip(), List.copyOf(steps));
    }

    private static IllegalArgumentException error(String text, int at, String what) {
        return new IllegalArgumentException("invalid JSON path \"" + text + "\": " + what + " at position " + (at + 1));
    }

    /** Whether the document has a value (possibly JSON null) at this path. */
    public boolean has(Object document) {
        return walk(document) != MISSING;
    }

    /** The value at this path, or null when it is JSON null or missing (see {@link #has}). */
    public Object get(Object document) {
        Object v = walk(document);
        return v == MISSING ? null : v;
    }

    private static final Object MISSING = new Object();

    private Object walk(Object node) {
        for (Object step : steps) {
            if (step instanceof String name && node instanceof Map<?, ?> map && map.containsKey(name)) {
                node = map.get(name);
            } else if (step instanceof Integer index && node instanceof List<?> list && index < list.size()) {
                node = list.get(index);
            } else {
                return MISSING;
            }
        }
        return node;
    }

    @Override
    public String toString() {
        return text;
    }
}
