package dev.berth.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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

    /**
     * One destination of alert messages: the one model of a channel, read from berth.yml and sent
     * to by the alert package (which adds each service's rate limits). A channel checks its
     * settings when it is made, and its toString never shows a secret, a password, a header value
     * or the token part of a webhook URL, so a channel can be logged as it is.
     */
    public sealed interface Channel permits WeCom, DingTalk, Feishu, Slack, Email, Webhook {
        /** The name given in berth.yml, unique among the channels. */
        String name();

        /** wecom, dingtalk, feishu, slack, email or webhook: the key that names it in berth.yml. */
        String kind();
    }

    /**
     * A WeCom (企业微信) group robot. Its webhook URL holds the robot's key.
     *
     * @param mentionMobiles members to @ by mobile number
     * @param mentionUserIds members to @ by WeCom user id
     * @param mentionAll     @ everyone in the group
     */
    public record WeCom(String name, URI webhook, List<String> mentionMobiles, List<String> mentionUserIds, boolean mentionAll) implements Channel {
        public WeCom {
            required(name, "channel name");
            httpUrl(webhook, "wecom channel '" + name + "' webhook");
            mentionMobiles = list(mentionMobiles);
            mentionUserIds = list(mentionUserIds);
        }

        @Override public String kind() { return "wecom"; }

        @Override public String toString() {
            return "WeCom[name=" + name + ", webhook=" + shown(webhook) + ", mentionMobiles=" + mentionMobiles
                    + ", mentionUserIds=" + mentionUserIds + ", mentionAll=" + mentionAll + "]";
        }
    }

    /**
     * A DingTalk (钉钉) custom group robot. Its webhook URL holds the access token.
     *
     * @param secret    the robot's signing secret ("SEC…"), or null when it is not set to sign
     * @param atMobiles members to @ by mobile number
     * @param atUserIds members to @ by DingTalk user id
     * @param atAll     @ everyone in the group
     */
    public record DingTalk(String name, URI webhook, String secret, List<String> atMobiles, List<String> atUserIds, boolean atAll) implements Channel {
        public DingTalk {
            required(name, "channel name");
            httpUrl(webhook, "dingtalk channel '" + name + "' webhook");
            if (secret != null && secret.isBlank()) secret = null;
            atMobiles = list(atMobiles);
            atUserIds = list(atUserIds);
        }

        @Override public String kind() { return "dingtalk"; }

        @Override public String toString() {
            return "DingTalk[name=" + name + ", webhook=" + shown(webhook) + ", secret=" + shownSecret(secret)
                    + ", atMobiles=" + atMobiles + ", atUserIds=" + atUserIds + ", atAll=" + atAll + "]";
        }
    }

    /**
     * A Feishu / Lark (飞书) custom bot. Its webhook URL holds the bot's id.
     *
     * @param secret    the bot's signature-check secret, or null when it is not set to sign
     * @param atUserIds members to @ by open_id ("ou_…")
     * @param atAll     @ everyone in the group
     */
    public record Feishu(String name, URI webhook, String secret, List<String> atUserIds, boolean atAll) implements Channel {
        public Feishu {
            required(name, "channel name");
            httpUrl(webhook, "feishu channel '" + name + "' webhook");
            if (secret != null && secret.isBlank()) secret = null;
            atUserIds = list(atUserIds);
        }

        @Override public String kind() { return "feishu"; }

        @Override public String toString() {
            return "Feishu[name=" + name + ", webhook=" + shown(webhook) + ", secret=" + shownSecret(secret)
                    + ", atUserIds=" + atUserIds + ", atAll=" + atAll + "]";
        }
    }

    /** A Slack incoming webhook; the URL itself is the credential. */
    public record Slack(String name, URI webhook) implements Channel {
        public Slack {
            required(name, "channel name");
            httpUrl(webhook, "slack channel '" + name + "' webhook");
        }

        @Override public String kind() { return "slack"; }

        @Override public String toString() {
            return "Slack[name=" + name + ", webhook=" + shown(webhook) + "]";
        }
    }

    /**
     * Mail through an SMTP server.
     *
     * @param tls      "starttls" (upgrade required, never falls back to clear text), "ssl" (SMTPS) or "none"
     * @param user     login name, or null to send without authenticating
     * @param password login password; never shown
     * @param from     sender address
     * @param to       recipient addresses, at least one
     */
    public record Email(String name, String host, int port, String tls, String user, String password, String from, List<String> to) implements Channel {
        public static final List<String> TLS_MODES = List.of("starttls", "ssl", "none");

        public Email {
            required(name, "channel name");
            required(host, "email channel '" + name + "' host");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("email channel '" + name + "' port must be 1-65535, not " + port);
            if (!TLS_MODES.contains(tls)) throw new IllegalArgumentException("email channel '" + name + "' tls must be one of " + TLS_MODES + ", not " + tls);
            if (user != null && user.isBlank()) user = null;
            required(from, "email channel '" + name + "' from");
            to = list(to);
            if (to.isEmpty()) throw new IllegalArgumentException("email channel '" + name + "' needs at least one 'to' address");
        }

        @Override public String kind() { return "email"; }

        @Override public String toString() {
            return "Email[name=" + name + ", host=" + host + ", port=" + port + ", tls=" + tls + ", user=" + user
                    + ", password=" + shownSecret(password) + ", from=" + from + ", to=" + to + "]";
        }
    }

    /**
     * Any HTTP endpoint that takes berth's own JSON.
     *
     * @param headers sent with every request, e.g. Authorization; their values are never shown
     */
    public record Webhook(String name, URI url, Map<String, String> headers) implements Channel {
        /** java.net.http sets these itself and refuses them from callers. */
        private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

        public Webhook {
            required(name, "channel name");
            httpUrl(url, "webhook channel '" + name + "' url");
            Map<String, String> copy = new LinkedHashMap<>();
            if (headers != null) headers.forEach((k, v) -> {
                if (k == null || k.isBlank() || v == null) throw new IllegalArgumentException("webhook channel '" + name + "' has a header without a name or value");
                if (RESTRICTED.contains(k.toLowerCase(Locale.ROOT)))
                    throw new IllegalArgumentException("webhook channel '" + name + "' cannot set the " + k + " header: the HTTP client sets it");
                copy.put(k, v);
            });
            headers = Collections.unmodifiableMap(copy);
        }

        @Override public String kind() { return "webhook"; }

        @Override public String toString() {
            return "Webhook[name=" + name + ", url=" + shown(url) + ", headers=" + shownHeaders(headers) + "]";
        }
    }

    private static String required(String value, String what) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(what + " is required");
        return value;
    }

    private static URI httpUrl(URI uri, String what) {
        if (uri == null) throw new IllegalArgumentException(what + " is required");
        boolean http = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
        if (!http || uri.getHost() == null) throw new IllegalArgumentException(what + " must be an http(s) URL, not " + shown(uri));
        return uri;
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
    }

    /** "https://qyapi.weixin.qq.com/…": scheme and host, nothing that could be a key. */
    public static String shown(URI uri) {
        return uri == null ? "null" : uri.getScheme() + "://" + uri.getHost() + "/…";
    }

    private static String shownSecret(String secret) {
        return secret == null || secret.isEmpty() ? "none" : "***";
    }

    private static String shownHeaders(Map<String, String> headers) {
        return headers.keySet().stream().map(k -> k + "=***").collect(Collectors.joining(", ", "{", "}"));
    }
}
