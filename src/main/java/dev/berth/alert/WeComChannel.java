package dev.berth.alert;

import java.net.URI;
import java.util.List;

/**
 * A WeCom (企业微信) group robot. Its webhook URL holds the robot's key.
 *
 * @param mentionMobiles members to @ by mobile number
 * @param mentionUserIds members to @ by WeCom user id
 * @param mentionAll     @ everyone in the group
 */
public record WeComChannel(String name, URI webhook, List<String> mentionMobiles, List<String> mentionUserIds,
                           boolean mentionAll) implements Channel {
    /** WeCom: a robot may send 20 messages a minute. */
    private static final List<RateLimit> LIMITS = List.of(RateLimit.perMinute(20));

    public WeComChannel {
        ChannelFields.required(name, "channel name");
        ChannelFields.httpUrl(webhook, "wecom channel '" + name + "' webhook");
        mentionMobiles = ChannelFields.list(mentionMobiles);
        mentionUserIds = ChannelFields.list(mentionUserIds);
    }

    @Override public String kind() {
        return "wecom";
    }

    @Override public List<RateLimit> rateLimits() {
        return LIMITS;
    }

    @Override public String toString() {
        return "WeComChannel[name=" + name + ", webhook=" + ChannelFields.shown(webhook) + ", mentionMobiles=" + mentionMobiles
                + ", mentionUserIds=" + mentionUserIds + ", mentionAll=" + mentionAll + "]";
    }
}
