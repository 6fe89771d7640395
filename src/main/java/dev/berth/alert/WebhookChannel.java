package dev.berth.alert;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Any HTTP endpoint that takes berth's own JSON (see {@code GenericWebhook}).
 *
 * @param headers sent with every request, e.g. Authorization; their values are never shown
 */
public record WebhookChannel(String name, URI url, Map<String, String> headers) implements Channel {
    /** Our own limit, so a loop of failures cannot flood someone's endpoint. */
    private static final List<RateLimit> LIMITS = List.of(RateLimit.perMinute(60));
    /** java.net.http sets these itself and refuses them from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    public WebhookChannel {
        ChannelFields.required(name, "channel name");
        ChannelFields.httpUrl(url, "webhook channel '" + name + "' url");
        Map<String, String> copy = new LinkedHashMap<>();
        if (headers != null) headers.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) throw new IllegalArgumentException("webhook channel '" + name + "' has a header without a name or value");
            if (RESTRICTED.contains(k.toLowerCase(Locale.ROOT)))
                throw new IllegalArgumentException("webhook channel '" + name + "' cannot set the " + k + " header: the HTTP client sets it");
            copy.put(k, v);
        });
        headers = Collections.unmodifiableMap(copy);
    }

    @Override public String kind() {
        return "webhook";
    }

    @Override public List<RateLimit> rateLimits() {
        return LIMITS;
    }

    @Override public String toString() {
        return "WebhookChannel[name=" + name + ", url=" + ChannelFields.shown(url) + ", headers=" + ChannelFields.shownHeaders(headers) + "]";
    }
}
