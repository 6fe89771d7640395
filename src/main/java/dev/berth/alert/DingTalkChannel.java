package dev.berth.alert;

import java.net.URI;
import java.util.List;

/**
 * A DingTalk (钉钉) custom group robot. Its webhook URL holds the access token.
 *
 * @param secret    the robot's signing secret ("SEC…"), or null when it is not set to sign
 * @param atMobiles members to @ by mobile number
 * @param atUserIds members to @ by DingTalk user id
 * @param atAll     @ everyone in the group
 */
public record DingTalkChannel(String name, URI webhook, String secret, List<String> atMobiles, List<String> atUserIds,
                              boolean atAll) implements Channel {
    /** DingTalk: 20 messages a minute per robot, beyond that it is throttled for 10 minutes. */
    private static final List<RateLimit> LIMITS = List.of(RateLimit.perMinute(20));

    public DingTalkChannel {
        ChannelFields.required(name, "channel name");
        ChannelFields.httpUrl(webhook, "dingtalk channel '" + name + "' webhook");
        if (secret != null && secret.isBlank()) secret = null;
        atMobiles = ChannelFields.list(atMobiles);
        atUserIds = ChannelFields.list(atUserIds);
    }

    @Override public String kind() {
        return "dingtalk";
    }

    @Override public List<RateLimit> rateLimits() {
        return LIMITS;
    }

    @Override public String toString() {
        return "DingTalkChannel[name=" + name + ", webhook=" + ChannelFields.shown(webhook) + ", secret=" + ChannelFields.shownSecret(secret)
                + ", atMobiles=" + atMobiles + ", atUserIds=" + atUserIds + ", atAll=" + atAll + "]";
    }
}
