package dev.berth.alert;

import dev.berth.config.AlertsSpec.Slack;
import dev.berth.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Slack incoming-webhook format: {"text": plain fallback, "blocks": [header, context,
 * sections in mrkdwn]}. The fallback is what phone notifications show.
 */
final class SlackWebhook {
    static final int MAX_HEADER_CHARS = 150;
    static final int MAX_SECTION_CHARS = 3000;
    /** Slack takes at most 50 blocks; the header and the context use two. */
    static final int MAX_SECTIONS = 48;

    private SlackWebhook() { }

    static HttpPost post(Slack channel, String title, List<Alert> alerts, AlertText text) {
        List<Object> blocks = new ArrayList<>();
        blocks.add(HttpPost.object("type", "header", "text", HttpPost.object("type", "plain_text", "text", cut(title, MAX_HEADER_CHARS))));
        blocks.add(HttpPost.object("type", "context", "elements", List.of(mrkdwn("server *" + escape(AlertText.servers(alerts)) + "*"))));
        // Alerts are packed into as few sections as fit: a section holds 3000 characters.
        StringBuilder section = new StringBuilder();
        List<String> sections = new ArrayList<>();
        for (Alert a : alerts) {
            String one = cut(alert(a, alerts, text), MAX_SECTION_CHARS);
            if (!section.isEmpty() && section.length() + 2 + one.length() > MAX_SECTION_CHARS) {
                sections.add(section.toString());
                section.setLength(0);
            }
            if (!section.isEmpty()) section.append("\n\n");
            section.append(one);
        }
        if (!section.isEmpty()) sections.add(section.toString());
        if (sections.size() > MAX_SECTIONS) {
            sections = new ArrayList<>(sections.subList(0, MAX_SECTIONS));
            sections.set(MAX_SECTIONS - 1, "…and more: the message was too long for Slack");
        }
        for (String s : sections) blocks.add(HttpPost.object("type", "section", "text", mrkdwn(s)));
        String fallback = AlertText.worstState(alerts) + " " + AlertText.servers(alerts) + ": " + title;
        return HttpPost.json(channel.webhook(), Json.write(HttpPost.object("text", fallback, "blocks", blocks)));
    }

    static String alert(Alert a, List<Alert> all, AlertText text) {
        StringBuilder s = new StringBuilder();
        s.append(emoji(a.state())).append(" *").append(a.state()).append("* ").append(escape(AlertText.subject(a, all)));
        if (a.value() != null) s.append("\nvalue: `").append(escape(a.value())).append("`");
        if (a.threshold() != null) s.append(a.value() == null ? "\n" : " ").append("threshold: `").append(escape(a.threshold())).append("`");
        s.append("\nsince: ").append(text.since(a));
        if (!a.message().isBlank()) s.append("\n>").append(escape(a.message()).replace("\n", "\n>"));
        return s.toString();
    }

    private static Map<String, Object> mrkdwn(String text) {
        return HttpPost.object("type", "mrkdwn", "text", text);
    }

    private static String emoji(String state) {
        return switch (state) {
            case Alert.CRITICAL -> ":red_circle:";
            case Alert.WARNING -> ":large_orange_circle:";
            case Alert.OK -> ":large_green_circle:";
            default -> ":large_blue_circle:";
        };
    }

    /** Slack reads &, < and > as markup ("<!channel>" pings everyone), so text of ours is escaped. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String s, int maxChars) {
        return s.length() <= maxChars ? s : s.substring(0, maxChars - 1) + "…";
    }

    /** Slack answers 200 "ok"; errors come as text: 400 invalid_payload, 403 invalid_token, 404 channel_not_found. */
    static String refusal(int status, String body) {
        return status == 200 && "ok".equals(body.strip()) ? null : Replies.http(status, body);
    }
}
