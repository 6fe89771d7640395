package dev.berth.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AlertsSpec.Channel;
import dev.berth.config.AlertsSpec.DingTalk;
import dev.berth.config.AlertsSpec.Email;
import dev.berth.config.AlertsSpec.Feishu;
import dev.berth.config.AlertsSpec.Slack;
import dev.berth.config.AlertsSpec.WeCom;
import dev.berth.config.AlertsSpec.Webhook;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelTest {
    private static final URI WECOM = URI.create("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-key");
    private static final URI DINGTALK = URI.create("https://oapi.dingtalk.com/robot/send?access_token=ding-token-123");
    private static final URI FEISHU = URI.create("https://open.feishu.cn/open-apis/bot/v2/hook/feishu-hook-id");
    private static final URI SLACK = URI.create("https://hooks.slack.com/services/T000/B000/slack-secret-path");

    private static final List<Channel> ALL = List.of(
            new WeCom("w", WECOM, List.of("13800001111"), List.of(), true),
            new DingTalk("d", DINGTALK, "SECding-secret", List.of(), List.of(), false),
            new Feishu("f", FEISHU, "feishu-secret", List.of("ou_abc"), false),
            new Slack("s", SLACK),
            new Email("e", "smtp.example.com", 465, "ssl", "berth", "mail-password", "berth@example.com", List.of("ops@example.com")),
            new Webhook("h", URI.create("https://hooks.example.com/in?token=query-token"), Map.of("Authorization", "Bearer header-token")));

    @Test void toStringShowsNoSecretPasswordOrToken() {
        for (Channel c : ALL) {
            String shown = c.toString();
            for (String secret : List.of("693a91f6", "ding-token", "ding-secret", "feishu-hook-id", "feishu-secret", "slack-secret",
                    "mail-password", "query-token", "header-token")) {
                assertFalse(shown.contains(secret), c.kind() + " shows " + secret + ": " + shown);
            }
        }
        assertTrue(ALL.get(0).toString().contains("webhook=https://qyapi.weixin.qq.com/…"), ALL.get(0).toString());
        assertTrue(ALL.get(4).toString().contains("password=***"));
        assertTrue(ALL.get(5).toString().contains("headers={Authorization=***}"));
    }

    @Test void kindsAndTheirServicesRateLimits() {
        assertEquals(List.of("wecom", "dingtalk", "feishu", "slack", "email", "webhook"), ALL.stream().map(Channel::kind).toList());
        assertEquals(List.of("[20/1m]", "[20/1m]", "[100/1m, 5/1s]", "[1/1s]", "[60/1m]", "[60/1m]"),
                ALL.stream().map(c -> ChannelLimits.of(c).toString()).toList());
    }

    @Test void badSettingsAreRefusedWithWhatWouldBeValid() {
        assertEquals("email channel 'e' tls must be one of [starttls, ssl, none], not tls",
                assertThrows(IllegalArgumentException.class, () ->
                        new Email("e", "smtp.example.com", 587, "tls", null, null, "a@example.com", List.of("b@example.com"))).getMessage());
        assertEquals("wecom channel 'w' webhook must be an http(s) URL, not ftp://example.com/…",
                assertThrows(IllegalArgumentException.class, () ->
                        new WeCom("w", URI.create("ftp://example.com/x?key=k"), null, null, false)).getMessage());
        assertEquals("webhook channel 'h' cannot set the Host header: the HTTP client sets it",
                assertThrows(IllegalArgumentException.class, () ->
                        new Webhook("h", URI.create("https://example.com"), Map.of("Host", "x"))).getMessage());
        assertEquals("email channel 'e' needs at least one 'to' address",
                assertThrows(IllegalArgumentException.class, () ->
                        new Email("e", "smtp.example.com", 587, "starttls", null, null, "a@example.com", List.of())).getMessage());
    }

    @Test void alertStatesAreTheFourKnownOnes() {
        assertThrows(IllegalArgumentException.class, () -> new Alert("web-01", "app web", "DOWN", null, null, Fixtures.NOW, ""));
        assertEquals(Alert.CRITICAL, AlertText.worstState(List.of(Fixtures.APP_WEB, Fixtures.HTTP_API)));
    }
}
