package dev.berth.alert;

import static dev.berth.alert.Fixtures.BOTH;
import static dev.berth.alert.Fixtures.CLOCK;
import static dev.berth.alert.Fixtures.TITLE;
import static dev.berth.alert.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.config.AlertsSpec.Feishu;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeishuSendTest {
    private static final String SECRET = "feishu-secret";
    /** Computed apart from Java: printf '' | openssl dgst -sha256 -hmac "$(printf '1700000000\nfeishu-secret')" -binary | base64 */
    private static final String OPENSSL_SIGN = "OrBzY1Y01Gq+HgJsl+7OfWcMVwc7YocohQm5iiZwjhU=";
    private static final String OK = "{\"code\":0,\"data\":{},\"msg\":\"success\"}";

    private static Feishu channel(RecordingReceiver bot, String secret) {
        return new Feishu("team", bot.url("/open-apis/bot/v2/hook/6223fc9e-hook-id"), secret, List.of("ou_abc"), true);
    }

    @Test void signKeysTheHmacWithTimestampAndSecretOverNoData() throws Exception {
        byte[] expected = Fixtures.hmacSha256(("1700000000\n" + SECRET).getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertEquals(OPENSSL_SIGN, Base64.getEncoder().encodeToString(expected));
        assertEquals(OPENSSL_SIGN, FeishuBot.sign(SECRET, 1_700_000_000L));
        assertNotEquals(OPENSSL_SIGN, Base64.getEncoder().encodeToString(Fixtures.hmacSha256(SECRET.getBytes(StandardCharsets.UTF_8),
                ("1700000000\n" + SECRET).getBytes(StandardCharsets.UTF_8))), "DingTalk's order gives another value");
    }

    @Test void signedInteractiveCardWithMentions() throws Exception {
        try (RecordingReceiver bot = RecordingReceiver.answering(200, OK); ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(bot, SECRET), TITLE, BOTH);

            RecordingReceiver.Request r = bot.requests().getFirst();
            assertEquals("/open-apis/bot/v2/hook/6223fc9e-hook-id", r.path());
            String details = """
                    🔴 **CRITICAL** check http-api
                    value: 3412 ms (threshold &gt; 3000 ms)
                    since: 2023-11-15 06:08:20 (5m ago)
                    GET /health answered in 3412 ms

                    🟢 **OK** app web
                    since: 2023-11-15 04:13:20 (2h ago)
                    running again after 3 restarts""";
            assertEquals(object(
                    "timestamp", "1700000000",
                    "sign", OPENSSL_SIGN,
                    "msg_type", "interactive",
                    "card", object(
                            "config", object("wide_screen_mode", true),
                            "header", object("template", "red", "title", object("tag", "plain_text", "content", TITLE)),
                            "elements", List.of(
                                    markdown("**server:** web-01"),
                                    object("tag", "hr"),
                                    markdown(details),
                                    markdown("<at id=all></at> <at id=ou_abc></at>")))), r.json());
        }
    }

    private static Object markdown(String content) {
        return object("tag", "div", "text", object("tag", "lark_md", "content", content));
    }

    @Test void unsignedBotGetsNoTimestampOrSign() throws Exception {
        try (RecordingReceiver bot = RecordingReceiver.answering(200, OK); ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(bot, null), TITLE, BOTH);
            assertEquals(List.of("msg_type", "card"), List.copyOf(bot.requests().getFirst().json().keySet()));
        }
    }

    @Test void olderBotsStatusCodeZeroCountsAsSuccess() throws Exception {
        try (RecordingReceiver bot = RecordingReceiver.answering(200, "{\"Extra\":null,\"StatusCode\":0,\"StatusMessage\":\"success\"}");
             ChannelSender sender = new ChannelSender(CLOCK)) {
            sender.send(channel(bot, SECRET), TITLE, BOTH);
            assertEquals(1, bot.requests().size());
        }
    }

    @Test void signatureFailureIsReportedInFeishusWords() throws Exception {
        try (RecordingReceiver bot = RecordingReceiver.answering(200,
                "{\"code\":19021,\"data\":{},\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}");
             ChannelSender sender = new ChannelSender(CLOCK)) {
            AlertSendException e = assertThrows(AlertSendException.class, () -> sender.send(channel(bot, "wrong"), TITLE, BOTH));
            assertEquals("feishu channel 'team': code 19021: sign match fail or timestamp is not within one hour from current time", e.getMessage());
        }
    }
}
