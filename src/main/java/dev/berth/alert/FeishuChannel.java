package dev.berth.alert;

import java.net.URI;
import java.util.List;

/**
 * A Feishu / Lark (飞书) custom bot. Its webhook URL holds the bot's id.
 *
 * @param secret    the bot's signature-check secret, or null when it is not set to sign
 * @param atUserIds members to @ by open_id ("ou_…")
 * @param atAll     @ everyone in the group
 */
public record FeishuChannel(String name, URI webhook, String secret, List<String> atUserIds, boolean atAll) implements Channel {
    /** Feishu: 100 requests a minute and 5 a second per custom bot. */
    private static final List<RateLimit> LIMITS = List.of(RateLimit.perMinute(100), RateLimit.perSecond(5));

    public FeishuChannel {
        ChannelFields.required(name, "channel name");
        ChannelFields.httpUrl(webhook, "feishu channel '" + name + "' webhook");
        if (secret != null && secret.isBlank()) secret = null;
        atUserIds = ChannelFields.list(atUserIds);
    }

    @Override public String kind() {
        return "feishu";
    }

    @Override public List<RateLimit> rateLimits() {
        return LIMITS;
    }

    @Override public String toString() {
        return "FeishuChannel[name=" + name + ", webhook=" + ChannelFields.shown(webhook) + ", secret=" + ChannelFields.shownSecret(secret)
                + ", atUserIds=" + atUserIds + ", atAll=" + atAll + "]";
    }
}
