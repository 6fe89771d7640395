package dev.berth.alert;

import dev.berth.config.AlertsSpec.DingTalk;
import dev.berth.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The DingTalk custom robot format:
 * {"msgtype":"markdown","markdown":{"title":…,"text":…},"at":{"atMobiles":…,"atUserIds":…,"isAtAll":…}}.
 * A signing robot also wants {@code timestamp} and {@code sign} in the query (see {@link #sign}).
 */
final class DingTalkRobot {
    /** DingTalk caps a message at about 20 KB; stay clear of it. */
    static final int MAX_TEXT_BYTES = 15_000;

    private DingTalkRobot() { }

    static HttpPost post(DingTalk channel, String title, List<Alert> alerts, AlertText text, long epochMillis) {
        String md = markdown(channel, title, alerts, text, true);
        if (AlertText.bytes(md) > MAX_TEXT_BYTES) md = AlertText.cut(markdown(channel, title, alerts, text, false), MAX_TEXT_BYTES);
        Object body = HttpPost.object(
                "msgtype", "markdown",
                "markdown", HttpPost.object("title", title, "text", md),
                "at", HttpPost.object("atMobiles", channel.atMobiles(), "atUserIds", channel.atUserIds(), "isAtAll", channel.atAll()));
        URI uri = channel.webhook();
        if (channel.secret() != null) {
            String query = "timestamp=" + epochMillis + "&sign=" + URLEncoder.encode(sign(channel.secret(), epochMillis), StandardCharsets.UTF_8);
            uri = URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + query);
        }
        return HttpPost.json(uri, Json.write(body));
    }

    /** base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)); the caller URL-encodes it. */
    static String sign(String secret, long epochMillis) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((epochMillis + "\n" + secret).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    // DingTalk markdown is a small subset; blank lines between parts are what renders the same
    // on phones and desktops. A mention works only when "@<mobile>" also appears in the text.
    static String markdown(DingTalk channel, String title, List<Alert> alerts, AlertText text, boolean detailed) {
        StringBuilder md = new StringBuilder();
        md.append("#### ").append(title).append("\n\n");
        md.append("**server:** ").append(AlertText.servers(alerts)).append("\n\n");
        for (Alert a : alerts) {
            String state = AlertText.emoji(a.state()) + " **" + a.state() + "**";
            if (!detailed) {
                md.append("- ").append(state).append(" ").append(text.line(a, alerts)).append("\n");
                continue;
            }
            md.append("---\n\n").append(state).append(" ").append(AlertText.subject(a, alerts)).append("\n\n");
            String measured = AlertText.measured(a);
            if (measured != null) md.append("value: ").append(measured).append("\n\n");
            md.append("since: ").append(text.since(a)).append("\n\n");
            if (!a.message().isBlank()) md.append("> ").append(a.message().replace("\n", " ")).append("\n\n");
        }
        StringBuilder mentions = new StringBuilder();
        for (String mobile : channel.atMobiles()) mentions.append("@").append(mobile).append(" ");
        for (String id : channel.atUserIds()) mentions.append("@").append(id).append(" ");
        if (!mentions.isEmpty()) md.append(md.toString().endsWith("\n\n") ? "" : "\n").append(mentions.toString().strip());
        return md.toString().stripTrailing();
    }

    static String refusal(int status, String body) {
        return Replies.errcode(status, body);
    }
}
