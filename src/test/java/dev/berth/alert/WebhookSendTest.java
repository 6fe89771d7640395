package dev.berth.alert;

import static dev.berth.alert.Fixtures.BOTH;
import static dev.berth.alert.Fixtures.CLOCK;
import static dev.berth.alert.Fixtures.TITLE;
import static dev.berth.alert.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AlertsSpec.Webhook;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSendTest {
    private static Webhook channel(RecordingReceiver hook) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer t0ken");
        headers.put("X-Source", "berth");
        return new Webhook("hook", hook.url("/alerts"), headers);
    }

    @Test void berthsOwnJsonWithTheConfiguredHeaders() throws Exception {
        try (RecordingReceiver hook = RecordingReceiver.answering(204, ""); ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(hook), TITLE, BOTH);

            RecordingReceiver.Request r = hook.requests().getFirst();
            assertEquals("/alerts", r.path());
            assertEquals("Bearer t0ken", r.header("Authorization"));
            assertEquals("berth", r.header("X-Source"));
            assertTrue(r.header("Content-Type").startsWith("application/json"));
            assertEquals(object(
                    "title", TITLE,
                    "server", "web-01",
                    "alerts", List.of(
                            object("subject", "check http-api", "state", "CRITICAL", "value", "3412 ms", "threshold", "> 3000 ms",
                                    "since", "2023-11-14T22:08:20Z", "message", "GET /health answered in 3412 ms"),
                            object("subject", "app web", "state", "OK", "value", null, "threshold", null,
                                    "since", "2023-11-14T20:13:20Z", "message", "running again after 3 restarts"))), r.json());
        }
    }

    @Test void anyNon2xxIsAnError() throws Exception {
        try (RecordingReceiver hook = RecordingReceiver.answering(500, "boom"); ChannelSender sender = new ChannelSender(CLOCK)) {
            AlertSendException e = assertThrows(AlertSendException.class, () -> sender.send(channel(hook), TITLE, BOTH));
            assertEquals("webhook channel 'hook': HTTP 500: boom", e.getMessage());
        }
    }

    @Test void unreachableEndpointSaysSoWithoutTheFullUrl() throws Exception {
        RecordingReceiver gone = RecordingReceiver.answering(200, "");
        Webhook channel = new Webhook("hook", gone.url("/alerts?token=s3cret"), Map.of());
        gone.close();
        try (ChannelSender sender = new ChannelSender(CLOCK)) {
            AlertSendException e = assertThrows(AlertSendException.class, () -> sender.send(channel, TITLE, BOTH));
            assertTrue(e.getMessage().startsWith("webhook channel 'hook': cannot reach http://127.0.0.1/…"), e.getMessage());
            assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
        }
    }
}
