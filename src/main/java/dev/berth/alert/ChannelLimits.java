package dev.berth.alert;

import dev.berth.config.AlertsSpec.Channel;
import dev.berth.config.AlertsSpec.DingTalk;
import dev.berth.config.AlertsSpec.Email;
import dev.berth.config.AlertsSpec.Feishu;
import dev.berth.config.AlertsSpec.Slack;
import dev.berth.config.AlertsSpec.WeCom;
import dev.berth.config.AlertsSpec.Webhook;
import java.util.List;

/** Each service's published sending limits; every limit must hold, and sending waits until they do. */
final class ChannelLimits {
    /** WeCom: a robot may send 20 messages a minute. */
    private static final List<RateLimit> WECOM = List.of(RateLimit.perMinute(20));
    /** DingTalk: 20 messages a minute per robot, beyond that it is throttled for 10 minutes. */
    private static final List<RateLimit> DINGTALK = List.of(RateLimit.perMinute(20));
    /** Feishu: 100 requests a minute and 5 a second per custom bot. */
    private static final List<RateLimit> FEISHU = List.of(RateLimit.perMinute(100), RateLimit.perSecond(5));
    /** Slack: about one message a second per incoming webhook. */
    private static final List<RateLimit> SLACK = List.of(RateLimit.perSecond(1));
    /** Our own limit: mail servers throttle or flag bursts. */
    private static final List<RateLimit> EMAIL = List.of(RateLimit.perMinute(60));
    /** Our own limit, so a loop of failures cannot flood someone's endpoint. */
    private static final List<RateLimit> WEBHOOK = List.of(RateLimit.perMinute(60));

    private ChannelLimits() { }

    static List<RateLimit> of(Channel channel) {
        return switch (channel) {
            case WeCom c -> WECOM;
            case DingTalk c -> DINGTALK;
            case Feishu c -> FEISHU;
            case Slack c -> SLACK;
            case Email c -> EMAIL;
            case Webhook c -> WEBHOOK;
        };
    }
}
