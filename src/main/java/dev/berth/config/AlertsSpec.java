package dev.berth.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where alerts go and how often (`alerts:` in berth.yml).
 *
 * @param channels    by name, in declared order
 * @param resend      while a check stays failing, its alert is sent again this often (null: never)
 * @param groupWait   state changes within this long of each other go out as one message per channel
 * @param server      the server name messages carry (default: the host name)
 * @param maintenance windows during which alerts are recorded but not sent
 */
public record AlertsSpec(List<Channel> channels, Duration resend, Duration groupWait, String server, List<Maintenance> maintenance) {
    public static final AlertsSpec NONE = new AlertsSpec(List.of(), Duration.ofMinutes(30), Duration.ofSeconds(10), null, List.of());

    /** A recurring quiet window: starts at each time of the cron expression, lasts duration. */
    public record Maintenance(String cron, Duration duration) { }

    /** One destination of alert messages; secrets are kept out of toString. */
    public sealed interface Channel permits WeCom, DingTalk, Feishu, Slack, Email, Webhook {
        String name();
    }

    public record WeCom(String name, URI webhook, List<String> mentionMobiles, List<String> mentionUserIds, boolean mentionAll) implements Channel {
        @Override public String toString() { return "wecom " + name; }
    }

    public record DingTalk(String name, URI webhook, String secret, List<String> atMobiles, List<String> atUserIds, boolean atAll) implements Channel {
        @Override public String toString() { return "dingtalk " + name; }
    }

    public record Feishu(String name, URI webhook, String secret, List<String> atUserIds, boolean atAll) implements Channel {
        @Override public String toString() { return "feishu " + name; }
    }

    public record Slack(String name, URI webhook) implements Channel {
        @Override public String toString() { return "slack " + name; }
    }

    /** tls: ssl (SMTPS, port 465), starttls (required) or none. */
    public record Email(String name, String host, int port, String tls, String user, String password, String from, List<String> to) implements Channel {
        @Override public String toString() { return "email " + name + " via " + host + ":" + port; }
    }

    public record Webhook(String name, URI url, Map<String, String> headers) implements Channel {
        @Override public String toString() { return "webhook " + name; }
    }
}
