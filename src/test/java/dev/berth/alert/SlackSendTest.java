package dev.berth.alert;

import static dev.berth.alert.Fixtures.BOTH;
import static dev.berth.alert.Fixtures.CLOCK;
import static dev.berth.alert.Fixtures.TITLE;
import static dev.berth.alert.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.config.AlertsSpec.Slack;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackSendTest {
    private static Slack channel(RecordingReceiver slack) {
        return new Slack("dev", slack.url("/services/T000/B000/XXXXSECRET"));
    }

    @Test void blocksInMrkdwnWithAPlainFallback() throws Exception {
        try (RecordingReceiver slack = RecordingReceiver.answering(200, "ok"); ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(slack), TITLE, BOTH);

            RecordingReceiver.Request r = slack.requests().getFirst();
            assertEquals("/services/T000/B000/XXXXSECRET", r.path());
            String section = """
                    :red_circle: *CRITICAL* check http-api
                    value: `3412 ms` threshold: `&gt; 3000 ms`
                    since: 2023-11-15 06:08:20 (5m ago)
                    >GET /health answered in 3412 ms

                    :large_green_circle: *OK* app web
                    since: 2023-11-15 04:13:20 (2h ago)
                    >running again after 3 restarts""";
            assertEquals(object(
                    "text", "CRITICAL web-01: " + TITLE,
                    "blocks", List.of(
                            object("type", "header", "text", object("type", "plain_text", "text", TITLE)),
                            object("type", "context", "elements", List.of(object("type", "mrkdwn", "text", "server *web-01*"))),
                            object("type", "section", "text", object("type", "mrkdwn", "text", section)))), r.json());
        }
    }

    @Test void markupInAlertTextCannotPingTheChannel() {
        Alert sneaky = new Alert("web-01", "check <!channel>", Alert.WARNING, null, null, Fixtures.NOW, "a & b");
        String text = SlackWebhook.alert(sneaky, List.of(sneaky), new AlertText(Fixtures.NOW, Fixtures.SHANGHAI));
        assertEquals(":large_orange_circle: *WARNING* check &lt;!channel&gt;\nsince: 2023-11-15 06:13:20 (just now)\n>a &amp; b", text);
    }

    @Test void anythingButOkIsAnError() throws Exception {
        try (RecordingReceiver slack = RecordingReceiver.answering(404, "no_service"); ChannelSender sender = new ChannelSender(CLOCK)) {
            AlertSendException e = assertThrows(AlertSendException.class, () -> sender.send(channel(slack), TITLE, BOTH));
            assertEquals("slack channel 'dev': HTTP 404: no_service", e.getMessage());
        }
        try (RecordingReceiver slack = RecordingReceiver.answering(200, "invalid_payload"); ChannelSender sender = new ChannelSender(CLOCK)) {
            AlertSendException e = assertThrows(AlertSendException.class, () -> sender.send(channel(slack), TITLE, BOTH));
            assertEquals("HTTP 200: invalid_payload", e.detail());
        }
    }
}
