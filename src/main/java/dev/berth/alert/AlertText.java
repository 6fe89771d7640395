package dev.berth.alert;

import dev.berth.text.Units;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The words every channel's format shares: when, how much, which server, how bad. */
final class AlertText {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private final Instant now;
    private final ZoneId zone;

    AlertText(Instant now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** "2026-03-01 14:02:11 (5m ago)": the server's local time, which is what its logs say, and the age. */
    String since(Alert a) {
        Duration age = Duration.between(a.since(), now).truncatedTo(ChronoUnit.SECONDS);
        String ago = age.isNegative() || age.isZero() ? "just now" : Units.duration(age) + " ago";
        return LOCAL.format(a.since().atZone(zone)) + " (" + ago + ")";
    }

    /** "3412 ms (threshold > 3000 ms)", either half alone, or null when the alert has neither. */
    static String measured(Alert a) {
        if (a.value() == null) return a.threshold() == null ? null : "threshold " + a.threshold();
        return a.threshold() == null ? a.value() : a.value() + " (threshold " + a.threshold() + ")";
    }

    static String worstState(List<Alert> alerts) {
        return alerts.stream().map(Alert::state).min(Comparator.comparingInt(Alert.STATES::indexOf)).orElse(Alert.INFO);
    }

    static String servers(List<Alert> alerts) {
        return alerts.stream().map(Alert::server).distinct().collect(Collectors.joining(", "));
    }

    /** The subject, with its server in front when one message covers several servers. */
    static String subject(Alert a, List<Alert> all) {
        return all.stream().map(Alert::server).distinct().count() > 1 ? a.server() + " " + a.subject() : a.subject();
    }

    static String emoji(String state) {
        return switch (state) {
            case Alert.CRITICAL -> "🔴";
            case Alert.WARNING -> "🟠";
            case Alert.OK -> "🟢";
            default -> "🔵";
        };
    }

    /**
     * One line, for when a message is too big for every alert's details: all but the free-text
     * message, and the date only when it is not today's.
     */
    String line(Alert a, List<Alert> all) {
        String measured = measured(a);
        return subject(a, all) + ": " + (measured == null ? "" : measured + ", ") + "since " + shortSince(a);
    }

    private String shortSince(Alert a) {
        String full = since(a);
        boolean today = a.since().atZone(zone).toLocalDate().equals(now.atZone(zone).toLocalDate());
        return today ? full.substring("yyyy-MM-dd ".length()) : full;
    }

    /** The plain-text form: e-mail bodies. */
    String plain(String title, List<Alert> alerts) {
        StringBuilder out = new StringBuilder();
        out.append(title).append("\n").append("server: ").append(servers(alerts)).append("\n");
        for (Alert a : alerts) {
            out.append("\n").append(a.state()).append("  ").append(subject(a, alerts)).append("\n");
            String measured = measured(a);
            if (measured != null) out.append("  value:   ").append(measured).append("\n");
            out.append("  since:   ").append(since(a)).append("\n");
            if (!a.message().isBlank()) out.append("  message: ").append(a.message()).append("\n");
        }
        return out.toString();
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** At most maxBytes of UTF-8, cut at a character boundary and marked with "…" when cut. */
    static String cut(String s, int maxBytes) {
        if (bytes(s) <= maxBytes) return s;
        int budget = maxBytes - bytes("…");
        int end = 0;
        int used = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = bytes(new String(Character.toChars(cp)));
            if (used + size > budget) break;
            used += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + "…";
    }
}
