package dev.berth.alert;

import dev.berth.config.AlertsSpec.Email;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** An alert e-mail: a subject line that says how bad and where, a plain-text body listing each alert. */
final class SmtpMail {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private SmtpMail() { }

    /**
     * Session settings for the channel. "starttls" makes the upgrade required, so a server (or
     * someone in between) that does not offer it gets no password in clear text; "ssl" is SMTPS.
     * Certificates and host names are always checked; {@code overrides} exist for tests only.
     */
    static Properties properties(Email channel, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put("mail.smtp.host", channel.host());
        p.put("mail.smtp.port", String.valueOf(channel.port()));
        String ms = String.valueOf(TIMEOUT.toMillis());
        p.put("mail.smtp.connectiontimeout", ms);
        p.put("mail.smtp.timeout", ms);
        p.put("mail.smtp.writetimeout", ms);
        p.put("mail.smtp.auth", String.valueOf(channel.user() != null));
        switch (channel.tls()) {
            case "ssl" -> p.put("mail.smtp.ssl.enable", "true");
            case "starttls" -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            }
            default -> { }
        }
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.putAll(overrides);
        return p;
    }

    /** "[berth CRITICAL] web-01: check http-api" for one alert, "[berth CRITICAL] web-01: 2 alerts" for more. */
    static String subject(List<Alert> alerts) {
        String what = alerts.size() == 1 ? alerts.getFirst().subject() : alerts.size() + " alerts";
        return "[berth " + AlertText.worstState(alerts) + "] " + AlertText.servers(alerts) + ": " + what;
    }

    static MimeMessage message(Session session, Email channel, String title, List<Alert> alerts, AlertText text, Instant now)
            throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(channel.from(), true));
        for (String to : channel.to()) m.addRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
        m.setSubject(subject(alerts), "UTF-8");
        m.setSentDate(Date.from(now));
        m.setText(text.plain(title, alerts), "UTF-8");
        return m;
    }
}
