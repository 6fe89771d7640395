package dev.berth.alert;

import static dev.berth.alert.Fixtures.BOTH;
import static dev.berth.alert.Fixtures.CLOCK;
import static dev.berth.alert.Fixtures.TITLE;
import static dev.berth.alert.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AlertsSpec.WeCom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeComSendTest {
    private static final String OK = "{\"errcode\":0,\"errmsg\":\"ok\"}";

    private static WeCom channel(RecordingReceiver robot, List<String> mobiles, List<String> userIds, boolean all) {
        return new WeCom("ops", robot.url("/cgi-bin/webhook/send?key=693a91f6-key"), mobiles, userIds, all);
    }

    @Test void markdownMessageNamesServerSubjectValueThresholdAndSince() throws Exception {
        try (RecordingReceiver robot = RecordingReceiver.answering(200, OK); ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(robot, List.of(), List.of("zhangsan"), false), TITLE, BOTH);

            assertEquals(1, robot.requests().size(), "mentions by user id need no second message");
            RecordingReceiver.Request r = robot.requests().getFirst();
            assertEquals("POST", r.method());
            assertEquals("/cgi-bin/webhook/send", r.path());
            assertEquals("key=693a91f6-key", r.rawQuery());
            assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
            String content = """
                    **web-01: 1 check failing, 1 app recovered**
                    > server: <font color="comment">web-01</font>

                    <font color="warning">CRITICAL</font> **check http-api**
                    > value: <font color="warning">3412 ms</font> (threshold > 3000 ms)
                    > since: 2023-11-15 06:08:20 (5m ago)
                    > GET /health answered in 3412 ms

                    <font color="info">OK</font> **app web**
                    > since: 2023-11-15 04:13:20 (2h ago)
                    > running again after 3 restarts

                    <@zhangsan>""";
            assertEquals(object("msgtype", "markdown", "markdown", object("content", content)), r.json());
        }
    }

    @Test void mobileMentionsAndAllGoInASecondTextMessage() throws Exception {
        try (RecordingReceiver robot = RecordingReceiver.answering(200, OK); ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(robot, List.of("13800001111"), List.of(), true), TITLE, BOTH);

            List<RecordingReceiver.Request> requests = robot.requests();
            assertEquals(2, requests.size());
            assertEquals("markdown", requests.get(0).json().get("msgtype"));
            assertEquals(object("msgtype", "text", "text", object(
                    "content", "berth CRITICAL: " + TITLE,
                    "mentioned_list", List.of("@all"),
                    "mentioned_mobile_list", List.of("13800001111"))), requests.get(1).json());
            assertEquals(2, ChannelSender.requestsPerMessage(channel(robot, List.of("13800001111"), List.of(), false)));
        }
    }

    @Test void robotsErrorIsReportedInItsOwnWords() throws Exception {
        try (RecordingReceiver robot = RecordingReceiver.answering(200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}");
             ChannelSender sender = new ChannelSender(CLOCK)) {
            AlertSendException e = assertThrows(AlertSendException.class, () -> sender.send(channel(robot, List.of(), List.of(), false), TITLE, BOTH));
            assertEquals("wecom channel 'ops': errcode 93000: invalid webhook url", e.getMessage());
            assertFalse(e.delivered());
        }
    }

    @Test void failedMentionAfterDeliveredMarkdownSaysTheAlertsArrived() throws Exception {
        try (RecordingReceiver robot = new RecordingReceiver(new RecordingReceiver.Answer(200, OK),
                new RecordingReceiver.Answer(200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}"));
             ChannelSender sender = new ChannelSender(CLOCK)) {
            AlertSendException e = assertThrows(AlertSendException.class, () -> sender.send(channel(robot, List.of("13800001111"), List.of(), false), TITLE, BOTH));
            assertTrue(e.delivered(), "a retry would send the alerts twice");
            assertTrue(e.getMessage().endsWith("@mention message failed: errcode 45009: api freq out of limit"), e.getMessage());
        }
    }

    @Test void tooLongForWeComFallsBackToOneLinePerAlertAndKeepsEverySubject() throws Exception {
        List<Alert> many = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            many.add(new Alert("web-01", "check disk-" + i, Alert.WARNING, "91%", "> 90%", Fixtures.NOW, "x".repeat(200)));
        }
        try (RecordingReceiver robot = RecordingReceiver.answering(200, OK); ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(robot, List.of(), List.of(), false), "40 disks", many);
            String content = (String) ((java.util.Map<?, ?>) robot.requests().getFirst().json().get("markdown")).get("content");
            assertTrue(content.getBytes(StandardCharsets.UTF_8).length <= WeComRobot.MAX_CONTENT_BYTES, "WeCom refuses more than 4096 bytes");
            for (int i = 1; i <= 40; i++) assertTrue(content.contains("check disk-" + i + ": 91% (threshold > 90%)"), "disk-" + i);
        }
    }
}
