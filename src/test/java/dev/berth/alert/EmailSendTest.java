package dev.berth.alert;

import static dev.berth.alert.Fixtures.BOTH;
import static dev.berth.alert.Fixtures.CLOCK;
import static dev.berth.alert.Fixtures.TITLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.berth.config.AlertsSpec.Email;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmailSendTest {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
            ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()})
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("berth@example.com", "berth", "s3cret"));

    /** GreenMail's certificate is self-signed for another name: trusted here, in the test, only. */
    private static final Map<String, String> TRUST_TEST_SERVER = Map.of(
            "mail.smtp.ssl.trust", "*",
            "mail.smtp.ssl.checkserveridentity", "false");

    private static Email channel(int port, String tls, String user, String password) {
        return new Email("mail", "127.0.0.1", port, tls, user, password, "berth@example.com",
                List.of("ops@example.com", "dev@example.com"));
    }

    @Test void smtpsWithLoginDeliversSubjectRecipientsAndBody() throws Exception {
        try (ChannelSender sender = new ChannelSender(CLOCK, TRUST_TEST_SERVER)) {
            sender.send(channel(MAIL.getSmtps().getPort(), "ssl", "berth", "s3cret"), TITLE, BOTH);
        }
        assertTrue(MAIL.waitForIncomingEmail(5000, 2), "one copy per recipient");
        MimeMessage m = MAIL.getReceivedMessages()[0];
        assertEquals("[berth CRITICAL] web-01: 2 alerts", m.getSubject());
        assertArrayEquals(new Address[] {new InternetAddress("berth@example.com")}, m.getFrom());
        assertEquals(List.of("ops@example.com", "dev@example.com"),
                Arrays.stream(m.getRecipients(Message.RecipientType.TO)).map(Address::toString).toList());
        String body = """
                web-01: 1 check failing, 1 app recovered
                server: web-01

                CRITICAL  check http-api
                  value:   3412 ms (threshold > 3000 ms)
                  since:   2023-11-15 06:08:20 (5m ago)
                  message: GET /health answered in 3412 ms

                OK  app web
                  since:   2023-11-15 04:13:20 (2h ago)
                  message: running again after 3 restarts
                """;
        // SMTP ends the body at its last line break
        assertEquals(body.stripTrailing(), ((String) m.getContent()).replace("\r\n", "\n").stripTrailing());
    }

    @Test void plainSmtpWithoutLoginAndOneAlertNamesItInTheSubject() throws Exception {
        try (ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(MAIL.getSmtp().getPort(), "none", null, null), "http-api is slow", List.of(Fixtures.HTTP_API));
        }
        assertTrue(MAIL.waitForIncomingEmail(5000, 2));
        assertEquals("[berth CRITICAL] web-01: check http-api", MAIL.getReceivedMessages()[0].getSubject());
    }

    @Test void starttlsRequiredRefusesAServerThatDoesNotOfferIt() {
        try (ChannelSender sender = new ChannelSender(CLOCK, TRUST_TEST_SERVER)) {
            AlertSendException e = assertThrows(AlertSendException.class,
                    () -> sender.send(channel(MAIL.getSmtp().getPort(), "starttls", "berth", "s3cret"), TITLE, BOTH));
            assertTrue(e.getMessage().startsWith("email channel 'mail': SMTP 127.0.0.1:"), e.getMessage());
            assertTrue(e.getMessage().contains("STARTTLS"), e.getMessage());
        }
        assertEquals(0, MAIL.getReceivedMessages().length, "no password or alert in clear text");
    }

    @Test void certificatesAreCheckedOutsideTests() {
        try (ChannelSender sender = new ChannelSender(CLOCK)) {
            AlertSendException e = assertThrows(AlertSendException.class,
                    () -> sender.send(channel(MAIL.getSmtps().getPort(), "ssl", "berth", "s3cret"), TITLE, BOTH));
            assertTrue(e.getMessage().contains("certification path") || e.getMessage().contains("PKIX"), e.getMessage());
        }
        assertEquals(0, MAIL.getReceivedMessages().length);
    }

    @Test void wrongPasswordIsRefused() {
        try (ChannelSender sender = new ChannelSender(CLOCK, TRUST_TEST_SERVER)) {
            AlertSendException e = assertThrows(AlertSendException.class,
                    () -> sender.send(channel(MAIL.getSmtps().getPort(), "ssl", "berth", "wrong"), TITLE, BOTH));
            assertTrue(e.getMessage().contains("535"), e.getMessage());
        }
        assertEquals(0, MAIL.getReceivedMessages().length);
    }
}
