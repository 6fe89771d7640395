package dev.berth.alert;

import dev.berth.config.AlertsSpec.Channel;
import dev.berth.config.AlertsSpec.DingTalk;
import dev.berth.config.AlertsSpec.Email;
import dev.berth.config.AlertsSpec.Feishu;
import dev.berth.config.AlertsSpec.Slack;
import dev.berth.config.AlertsSpec.WeCom;
import dev.berth.config.AlertsSpec.Webhook;
import dev.berth.config.AlertsSpec;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Sends one message, a title and the alerts that belong together, to one channel, in that
 * channel's own format, and returns only when the service has said yes; otherwise throws
 * with the service's own words. Nothing here waits forever: HTTP connects within 10 s and
 * answers within 15 s, SMTP connects and reads within 10 s.
 *
 * <p>Rate limits, merging and retries are {@link AlertOutbox}'s job, not this one's.
 */
public final class ChannelSender implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final Clock clock;
    private final Map<String, String> mailOverrides;
    /** Made on the first HTTP send: a daemon that never alerts carries no HTTP client (its thread, its classes). */
    private HttpClient http;

    /** Times shown in the server's zone. */
    public ChannelSender() {
        this(Clock.systemDefaultZone());
    }

    /** The clock gives signature timestamps, "5m ago", and (its zone) the local times shown. */
    public ChannelSender(Clock clock) {
        this(clock, Map.of());
    }

    /** For tests: extra mail session properties, e.g. trusting a test server's self-signed certificate. */
    ChannelSender(Clock clock, Map<String, String> mailOverrides) {
        this.clock = clock;
        this.mailOverrides = Map.copyOf(mailOverrides);
    }

    private synchronized HttpClient http() {
        if (http == null) {
            // HTTP/1.1: the robots' endpoints speak it, and no h2c upgrade dance on plain http.
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return http;
    }

    public void send(Channel channel, String title, List<Alert> alerts) throws AlertSendException {
        if (alerts.isEmpty()) throw new IllegalArgumentException("a message needs at least one alert");
        Instant now = clock.instant();
        AlertText text = new AlertText(now, clock.getZone());
        switch (channel) {
            case WeCom c -> {
                List<HttpPost> posts = WeComRobot.posts(c, title, alerts, text);
                post(c, posts.getFirst(), WeComRobot::refusal, false);
                for (HttpPost mention : posts.subList(1, posts.size())) post(c, mention, WeComRobot::refusal, true);
            }
            case DingTalk c -> post(c, DingTalkRobot.post(c, title, alerts, text, now.toEpochMilli()), DingTalkRobot::refusal, false);
            case Feishu c -> post(c, FeishuBot.post(c, title, alerts, text, now.getEpochSecond()), FeishuBot::refusal, false);
            case Slack c -> post(c, SlackWebhook.post(c, title, alerts, text), SlackWebhook::refusal, false);
            case Webhook c -> post(c, GenericWebhook.post(c, title, alerts), GenericWebhook::refusal, false);
            case Email c -> mail(c, title, alerts, text, now);
        }
    }

    /** HTTP requests one message costs, which is what the services' rate limits count. */
    static int requestsPerMessage(Channel channel) {
        return channel instanceof WeCom c ? WeComRobot.requestsPerMessage(c) : 1;
    }

    /** @param followUp the alerts already arrived; failing now must not make the caller send them again */
    private void post(Channel channel, HttpPost post, HttpPost.Verdict verdict, boolean followUp) throws AlertSendException {
        HttpRequest.Builder request = HttpRequest.newBuilder(post.uri())
                .timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(post.body(), StandardCharsets.UTF_8));
        post.headers().forEach(request::header);
        String prefix = followUp ? "alerts delivered, but the @mention message failed: " : "";
        HttpResponse<String> response;
        try {
            response = http().send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // JDK messages name no URL; ours shows only scheme and host, never the token.
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new AlertSendException(channel, prefix + "cannot reach " + AlertsSpec.shown(post.uri()) + ": " + why, followUp, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertSendException(channel, prefix + "interrupted while sending", followUp, e);
        }
        String refusal = verdict.refusal(response.statusCode(), response.body() == null ? "" : response.body());
        if (refusal != null) throw new AlertSendException(channel, prefix + refusal, followUp, null);
    }

    private void mail(Email channel, String title, List<Alert> alerts, AlertText text, Instant now) throws AlertSendException {
        Session session = Session.getInstance(SmtpMail.properties(channel, mailOverrides));
        try {
            MimeMessage message = SmtpMail.message(session, channel, title, alerts, text, now);
            try (Transport transport = session.getTransport("smtp")) {
                transport.connect(channel.host(), channel.port(), channel.user(), channel.user() == null ? null : channel.password());
                transport.sendMessage(message, message.getAllRecipients());
            }
        } catch (MessagingException e) {
            throw new AlertSendException(channel, "SMTP " + channel.host() + ":" + channel.port() + ": " + describe(e), e);
        }
    }

    /** Mail exceptions wrap the useful part (refused certificate, 535 bad login) one or two levels down. */
    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()).strip());
        Throwable c = e.getCause();
        for (int depth = 0; c != null && depth < 5; c = c.getCause(), depth++) {
            if (c.getMessage() != null && !out.toString().contains(c.getMessage().strip())) out.append(": ").append(c.getMessage().strip());
        }
        return out.toString();
    }

    @Override public void close() {
        HttpClient h;
        synchronized (this) {
            h = http;
            http = null;
        }
        if (h != null) h.close();
    }
}
