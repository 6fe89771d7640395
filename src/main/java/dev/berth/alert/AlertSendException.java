package dev.berth.alert;

import dev.berth.config.AlertsSpec.Channel;

/**
 * A channel did not take a message. The text names the channel and says what the service
 * answered in its own words, e.g. "dingtalk channel 'ops': errcode 310000: sign not match".
 */
public final class AlertSendException extends Exception {
    private final String channel;
    private final String detail;
    private final boolean delivered;

    AlertSendException(Channel channel, String detail, Throwable cause) {
        this(channel, detail, false, cause);
    }

    /** @param delivered the alerts did arrive; only a follow-up (WeCom's @mention message) failed, so a retry would duplicate them */
    AlertSendException(Channel channel, String detail, boolean delivered, Throwable cause) {
        super(channel.kind() + " channel '" + channel.name() + "': " + detail, cause);
        this.channel = channel.name();
        this.detail = detail;
        this.delivered = delivered;
    }

    public String channel() {
        return channel;
    }

    /** The service's answer or the transport error, without the channel's name. */
    public String detail() {
        return detail;
    }

    public boolean delivered() {
        return delivered;
    }
}
