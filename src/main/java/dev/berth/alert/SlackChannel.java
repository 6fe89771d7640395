package dev.berth.alert;

import java.net.URI;
import java.util.List;

/** A Slack incoming webhook; the URL itself is the credential. */
public record SlackChannel(String name, URI webhook) implements Channel {
    /** Slack: about one message a second per incoming webhook. */
    private static final List<RateLimit> LIMITS = List.of(RateLimit.perSecond(1));

    public SlackChannel {
        ChannelFields.required(name, "channel name");
        ChannelFields.httpUrl(webhook, "slack channel '" + name + "' webhook");
    }

    @Override public String kind() {
        return "slack";
    }

    @Override public List<RateLimit> rateLimits() {
        return LIMITS;
    }

    @Override public String toString() {
        return "SlackChannel[name=" + name + ", webhook=" + ChannelFields.shown(webhook) + "]";
    }
}
