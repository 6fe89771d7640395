package dev.berth.access;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One action in the audit log: who (a user's name, "token" or "cli"), from which address, what
 * (method, path and a short target such as an app's name), when, and its outcome (the HTTP status).
 * Fields are cut to a bound, so one line stays small whatever a request carried; the path loses
 * its query, which may hold values that are nobody's business here.
 */
public record AuditRecord(Instant when, String who, String from, String method, String path, String target, int status) {
    static final int MOST_FIELD = 200;
    static final int MOST_PATH = 512;

    public AuditRecord {
        if (when == null) throw new IllegalArgumentException("an audit record needs a time");
        who = cut(who, 64);
        from = cut(from, 64);
        method = cut(method, 16);
        if (path != null && path.indexOf('?') >= 0) path = path.substring(0, path.indexOf('?'));
        path = cut(path, MOST_PATH);
        target = target == null ? null : cut(target, MOST_FIELD);
    }

    /** An action of principal who. */
    public static AuditRecord of(Instant when, Principal who, String from, String method, String path, String target, int status) {
        return new AuditRecord(when, who.name(), from, method, path, target, status);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", when.toString());
        m.put("who", who);
        m.put("from", from);
        m.put("method", method);
        m.put("path", path);
        if (target != null) m.put("target", target);
        m.put("status", status);
        return m;
    }

    /** The record a line of the log holds; IllegalArgumentException when it holds none. */
    static AuditRecord fromMap(Map<String, Object> m) {
        if (!(m.get("time") instanceof String time) || !(m.get("status") instanceof Number status)) {
            throw new IllegalArgumentException("not an audit record");
        }
        try {
            return new AuditRecord(Instant.parse(time), text(m.get("who")), text(m.get("from")), text(m.get("method")), text(m.get("path")),
                    m.get("target") == null ? null : text(m.get("target")), status.intValue());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an audit record: " + e.getMessage());
        }
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }

    private static String cut(String s, int most) {
        if (s == null) return "";
        return s.length() <= most ? s : s.substring(0, most) + "...";
    }
}
