package dev.berth.alert;

import java.util.List;

/**
 * Where alerts are sent. One record per kind; each knows its service's rate limit. The
 * records' toString never shows secrets, passwords or the token part of a webhook URL,
 * so a channel can be logged as it is.
 */
public sealed interface Channel
        permits WeComChannel, DingTalkChannel, FeishuChannel, SlackChannel, EmailChannel, WebhookChannel {

    /** The name given in berth.yml, unique among the channels. */
    String name();

    /** wecom, dingtalk, feishu, slack, email or webhook. */
    String kind();

    /** Every limit must hold; sending waits (and merges what queues up) until they do. */
    List<RateLimit> rateLimits();
}
