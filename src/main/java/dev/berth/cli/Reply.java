package dev.berth.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON object the daemon answered, read field by field as the type that field has, so the
 * records the commands print from need no unchecked casts. A field that is missing (or of
 * another type) reads as null, false or empty.
 */
record Reply(Map<String, Object> fields) {
    static Reply of(Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) map.forEach((k, v) -> m.put(String.valueOf(k), v));
        return new Reply(m);
    }

    String string(String key) {
        Object v = fields.get(key);
        return v == null ? null : String.valueOf(v);
    }

    boolean flag(String key) {
        return Boolean.TRUE.equals(fields.get(key));
    }

    Long number(String key) {
        return fields.get(key) instanceof Number n ? n.longValue() : null;
    }

    /** A number as it came (an integer stays one when printed), or null. */
    Number decimal(String key) {
        return fields.get(key) instanceof Number n ? n : null;
    }

    /** A nested object, or null. */
    Reply object(String key) {
        return fields.get(key) instanceof Map<?, ?> m ? of(m) : null;
    }

    List<Reply> list(String key) {
        return fields.get(key) instanceof List<?> l ? l.stream().map(Reply::of).toList() : List.of();
    }

    List<String> strings(String key) {
        return fields.get(key) instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
