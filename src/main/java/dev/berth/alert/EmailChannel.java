package dev.berth.alert;

import java.util.List;

/**
 * Mail through an SMTP server.
 *
 * @param tls      "starttls" (upgrade required, never falls back to clear text), "ssl" (SMTPS) or "none"
 * @param user     login name, or null to send without authenticating
 * @param password login password; never shown
 * @param from     sender address
 * @param to       recipient addresses, at least one
 */
public record EmailChannel(String name, String host, int port, String tls, String user, String password, String from,
                           List<String> to) implements Channel {
    public static final List<String> TLS_MODES = List.of("starttls", "ssl", "none");
    /** Our own limit: mail servers throttle or flag bursts. */
    private static final List<RateLimit> LIMITS = List.of(RateLimit.perMinute(60));

    public EmailChannel {
        ChannelFields.required(name, "channel name");
        ChannelFields.required(host, "email channel '" + name + "' host");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("email channel '" + name + "' port must be 1-65535, not " + port);
        if (!TLS_MODES.contains(tls)) throw new IllegalArgumentException("email channel '" + name + "' tls must be one of " + TLS_MODES + ", not " + tls);
        if (user != null && user.isBlank()) user = null;
        ChannelFields.required(from, "email channel '" + name + "' from");
        to = ChannelFields.list(to);
        if (to.isEmpty()) throw new IllegalArgumentException("email channel '" + name + "' needs at least one 'to' address");
    }

    @Override public String kind() {
        return "email";
    }

    @Override public List<RateLimit> rateLimits() {
        return LIMITS;
    }

    @Override public String toString() {
        return "EmailChannel[name=" + name + ", host=" + host + ", port=" + port + ", tls=" + tls + ", user=" + user
                + ", password=" + ChannelFields.shownSecret(password) + ", from=" + from + ", to=" + to + "]";
    }
}
