package dev.berth.alert;

import static dev.berth.alert.Fixtures.BOTH;
import static dev.berth.alert.Fixtures.CLOCK;
import static dev.berth.alert.Fixtures.TITLE;
import static dev.berth.alert.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.config.AlertsSpec.DingTalk;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class DingTalkSendTest {
    private static final String SECRET = "SEC0123456789abcdef";
    /** Computed apart from Java: printf '1700000000000\nSEC0123456789abcdef' | openssl dgst -sha256 -hmac SEC0123456789abcdef -binary | base64 */
    private static final String OPENSSL_SIGN = "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=";

    private static DingTalk channel(RecordingReceiver robot, String secret) {
        return new DingTalk("ops", robot.url("/robot/send?access_token=tok123"), secret,
                List.of("13800001111"), List.of("user123"), false);
    }

    @Test void signIsHmacSha256OfTimestampAndSecretKeyedWithTheSecret() throws Exception {
        byte[] expected = Fixtures.hmacSha256(SECRET.getBytes(StandardCharsets.UTF_8),
                ("1700000000000\n" + SECRET).getBytes(StandardCharsets.UTF_8));
        assertEquals(OPENSSL_SIGN, Base64.getEncoder().encodeToString(expected));
        assertEquals(OPENSSL_SIGN, DingTalkRobot.sign(SECRET, 1_700_000_000_000L));
    }

    @Test void signedMarkdownMessageWithMentions() throws Exception {
        try (RecordingReceiver robot = RecordingReceiver.answering(200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
             ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(robot, SECRET), TITLE, BOTH);

            RecordingReceiver.Request r = robot.requests().getFirst();
            assertEquals("/robot/send", r.path());
            assertEquals("access_token=tok123&timestamp=1700000000000&sign=" + URLEncoder.encode(OPENSSL_SIGN, StandardCharsets.UTF_8), r.rawQuery());
            String text = """
                    #### web-01: 1 check failing, 1 app recovered

                    **server:** web-01

                    ---

                    🔴 **CRITICAL** check http-api

                    value: 3412 ms (threshold > 3000 ms)

                    since: 2023-11-15 06:08:20 (5m ago)

                    > GET /health answered in 3412 ms

                    ---

                    🟢 **OK** app web

                    since: 2023-11-15 04:13:20 (2h ago)

                    > running again after 3 restarts

                    @13800001111 @user123""";
            assertEquals(object(
                    "msgtype", "markdown",
                    "markdown", object("title", TITLE, "text", text),
                    "at", object("atMobiles", List.of("13800001111"), "atUserIds", List.of("user123"), "isAtAll", false)), r.json());
        }
    }

    @Test void unsignedRobotGetsNoTimestampOrSign() throws Exception {
        try (RecordingReceiver robot = RecordingReceiver.answering(200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
             ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(robot, null), TITLE, BOTH);
            assertEquals("access_token=tok123", robot.requests().getFirst().rawQuery());
        }
    }

    @Test void signMismatchIsReportedInDingTalksWords() throws Exception {
        try (RecordingReceiver robot = RecordingReceiver.answering(200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
             ChannelSender sender = new ChannelSender(CLOCK)) {
            AlertSendException e = assertThrows(AlertSendException.class, () -> sender.send(channel(robot, "SECwrong"), TITLE, BOTH));
            assertEquals("dingtalk channel 'ops': errcode 310000: sign not match", e.getMessage());
            assertEquals("errcode 310000: sign not match", e.detail());
        }
    }
}
