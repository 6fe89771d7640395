package dev.berth.alert;

import dev.berth.config.AlertsSpec.WeCom;
import dev.berth.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The WeCom group robot format: {"msgtype":"markdown","markdown":{"content":…}}, coloured
 * with the three colours WeCom markdown has (warning = orange-red, info = green, comment =
 * grey), members mentioned as {@code <@userid>}.
 */
final class WeComRobot {
    /** WeCom refuses markdown content over 4096 bytes of UTF-8. */
    static final int MAX_CONTENT_BYTES = 4096;

    private WeComRobot() { }

    static List<HttpPost> posts(WeCom channel, String title, List<Alert> alerts, AlertText text) {
        String content = markdown(channel, title, alerts, text, true);
        if (AlertText.bytes(content) > MAX_CONTENT_BYTES) content = AlertText.cut(markdown(channel, title, alerts, text, false), MAX_CONTENT_BYTES);
        List<HttpPost> posts = new ArrayList<>();
        posts.add(HttpPost.json(channel.webhook(), Json.write(HttpPost.object("msgtype", "markdown", "markdown", HttpPost.object("content", content)))));
        // WeCom markdown can @ a member only by user id (<@userid>): it has no mentioned_mobile_list
        // and no @all. Those exist only on text messages, so a mention by mobile or of everyone
        // goes out as a second, short text message right after the markdown one.
        if (channel.mentionAll() || !channel.mentionMobiles().isEmpty()) {
            Object mention = HttpPost.object(
                    "content", "berth " + AlertText.worstState(alerts) + ": " + title,
                    "mentioned_list", channel.mentionAll() ? List.of("@all") : List.of(),
                    "mentioned_mobile_list", channel.mentionMobiles());
            posts.add(HttpPost.json(channel.webhook(), Json.write(HttpPost.object("msgtype", "text", "text", mention))));
        }
        return posts;
    }

    /** How many requests one message takes: counted against the robot's 20 a minute. */
    static int requestsPerMessage(WeCom channel) {
        return channel.mentionAll() || !channel.mentionMobiles().isEmpty() ? 2 : 1;
    }

    static String markdown(WeCom channel, String title, List<Alert> alerts, AlertText text, boolean detailed) {
        StringBuilder md = new StringBuilder();
        md.append("**").append(title).append("**\n");
        md.append("> server: <font color=\"comment\">").append(AlertText.servers(alerts)).append("</font>\n");
        if (detailed) details(md, alerts, text);
        else lines(md, alerts, text);
        if (!channel.mentionUserIds().isEmpty()) {
            md.append("\n");
            for (String id : channel.mentionUserIds()) md.append("<@").append(id).append("> ");
        }
        return md.toString().stripTrailing();
    }

    private static void details(StringBuilder md, List<Alert> alerts, AlertText text) {
        for (Alert a : alerts) {
            String colour = colour(a.state());
            md.append("\n<font color=\"").append(colour).append("\">").append(a.state()).append("</font> **")
                    .append(AlertText.subject(a, alerts)).append("**\n");
            if (a.value() != null) {
                md.append("> value: <font color=\"").append(colour).append("\">").append(a.value()).append("</font>");
                md.append(a.threshold() == null ? "" : " (threshold " + a.threshold() + ")").append("\n");
            } else if (a.threshold() != null) {
                md.append("> threshold: ").append(a.threshold()).append("\n");
            }
            md.append("> since: ").append(text.since(a)).append("\n");
            if (!a.message().isBlank()) md.append("> ").append(a.message().replace("\n", "\n> ")).append("\n");
        }
    }

    /** One line per alert, under one coloured heading per state: font tags would be a third of each line. */
    private static void lines(StringBuilder md, List<Alert> alerts, AlertText text) {
        for (String state : Alert.STATES) {
            List<Alert> inState = alerts.stream().filter(a -> a.state().equals(state)).toList();
            if (inState.isEmpty()) continue;
            md.append("\n<font color=\"").append(colour(state)).append("\">").append(state).append("</font>\n");
            for (Alert a : inState) md.append(text.line(a, alerts)).append("\n");
        }
    }

    private static String colour(String state) {
        return switch (state) {
            case Alert.CRITICAL, Alert.WARNING -> "warning";
            case Alert.OK -> "info";
            default -> "comment";
        };
    }

    static String refusal(int status, String body) {
        return Replies.errcode(status, body);
    }
}
