package dev.berth.alert;

import dev.berth.config.AlertsSpec.Feishu;
import dev.berth.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Feishu / Lark custom bot format: an interactive card
 * {"msg_type":"interactive","card":{"header":…,"elements":[…]}} whose header colour follows
 * the worst state. A signing bot also wants "timestamp" and "sign" in the body (see {@link #sign}).
 */
final class FeishuBot {
    /** Feishu refuses request bodies over 20 KB; the alerts' text stays well under. */
    static final int MAX_TEXT_BYTES = 15_000;

    private FeishuBot() { }

    static HttpPost post(Feishu channel, String title, List<Alert> alerts, AlertText text, long epochSeconds) {
        String details = details(alerts, text, true);
        if (AlertText.bytes(details) > MAX_TEXT_BYTES) details = AlertText.cut(details(alerts, text, false), MAX_TEXT_BYTES);
        List<Object> elements = new ArrayList<>();
        elements.add(markdown("**server:** " + escape(AlertText.servers(alerts))));
        elements.add(HttpPost.object("tag", "hr"));
        elements.add(markdown(details));
        // Cards have their own mention syntax, <at id=…></at>; text messages' <at user_id="…"> does not render in a card.
        StringBuilder at = new StringBuilder();
        if (channel.atAll()) at.append("<at id=all></at> ");
        for (String openId : channel.atUserIds()) at.append("<at id=").append(openId).append("></at> ");
        if (!at.isEmpty()) elements.add(markdown(at.toString().strip()));
        Map<String, Object> card = HttpPost.object(
                "config", HttpPost.object("wide_screen_mode", true),
                "header", HttpPost.object("template", template(AlertText.worstState(alerts)),
                        "title", HttpPost.object("tag", "plain_text", "content", title)),
                "elements", elements);
        Map<String, Object> body = HttpPost.object();
        if (channel.secret() != null) {
            body.put("timestamp", String.valueOf(epochSeconds));
            body.put("sign", sign(channel.secret(), epochSeconds));
        }
        body.put("msg_type", "interactive");
        body.put("card", card);
        return HttpPost.json(channel.webhook(), Json.write(body));
    }

    /**
     * base64(HmacSHA256(key = timestamp + "\n" + secret, data = nothing)). Unlike DingTalk, the
     * string is the key and the data is empty; the timestamp is in seconds.
     */
    static String sign(String secret, long epochSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec((epochSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(new byte[0]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static String details(List<Alert> alerts, AlertText text, boolean detailed) {
        StringBuilder md = new StringBuilder();
        for (Alert a : alerts) {
            String state = AlertText.emoji(a.state()) + " **" + a.state() + "**";
            if (!detailed) {
                md.append(state).append(" ").append(escape(text.line(a, alerts))).append("\n");
                continue;
            }
            md.append(state).append(" ").append(escape(AlertText.subject(a, alerts))).append("\n");
            String measured = AlertText.measured(a);
            if (measured != null) md.append("value: ").append(escape(measured)).append("\n");
            md.append("since: ").append(text.since(a)).append("\n");
            if (!a.message().isBlank()) md.append(escape(a.message())).append("\n");
            md.append("\n");
        }
        return md.toString().stripTrailing();
    }

    private static Map<String, Object> markdown(String content) {
        return HttpPost.object("tag", "div", "text", HttpPost.object("tag", "lark_md", "content", content));
    }

    /** lark_md reads "<" as the start of a tag (<at>, <font>); our text has none of its own. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String template(String worst) {
        return switch (worst) {
            case Alert.CRITICAL -> "red";
            case Alert.WARNING -> "orange";
            case Alert.OK -> "green";
            default -> "blue";
        };
    }

    /** Success is {"code":0}; bots made before 2021 answer {"StatusCode":0} instead. */
    static String refusal(int status, String body) {
        Map<String, Object> reply = Replies.jsonOrNull(body);
        if (reply != null) {
            Object code = reply.containsKey("code") ? reply.get("code") : reply.get("StatusCode");
            Object msg = reply.containsKey("msg") ? reply.get("msg") : reply.get("StatusMessage");
            if (code instanceof Number n && n.longValue() == 0 && status / 100 == 2) return null;
            if (code instanceof Number n && n.longValue() != 0) return "code " + n + ": " + msg;
        }
        return Replies.http(status, body);
    }
}
