package dev.berth.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AlertsSpec.WeCom;
import dev.berth.config.AlertsSpec.Webhook;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AlertOutboxTest {
    private static final String OK = "{\"errcode\":0,\"errmsg\":\"ok\"}";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final LinkedBlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

    private static WeCom wecom(RecordingReceiver robot, List<String> mobiles) {
        return new WeCom("ops", robot.url("/cgi-bin/webhook/send?key=k"), mobiles, List.of(), false);
    }

    private static String content(RecordingReceiver.Request r) {
        return (String) ((Map<?, ?>) r.json().get("markdown")).get("content");
    }

    private static String subject(int i) {
        return "check svc-%02d".formatted(i);
    }

    @Test void burstToWeComKeepsItsTwentyAMinuteAndLosesNoAlert() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.NOW, Fixtures.SHANGHAI);
        try (RecordingReceiver robot = RecordingReceiver.answering(200, OK); ChannelSender sender = new ChannelSender(clock);
             AlertOutbox outbox = new AlertOutbox(sender, deliveries::add, clock, List.of(Duration.ofMillis(10)))) {
            outbox.start();
            WeCom channel = wecom(robot, List.of());
            // One at a time, so each could go out on its own if nothing held it back.
            for (int i = 1; i <= 25; i++) {
                outbox.submit(channel, "alert " + i, List.of(Fixtures.check(subject(i))));
                assertTrue(outbox.awaitIdle(WAIT));
            }
            assertEquals(20, robot.requests().size(), "the 21st message would break WeCom's limit within the minute");
            assertEquals(5, outbox.waiting());

            clock.advance(Duration.ofSeconds(60));
            assertTrue(outbox.awaitIdle(WAIT));
            List<RecordingReceiver.Request> requests = robot.requests();
            assertEquals(21, requests.size(), "what queued up goes out as one message");
            String merged = content(requests.get(20));
            for (int i = 21; i <= 25; i++) assertTrue(merged.contains(subject(i)), subject(i) + " in " + merged);
            assertTrue(merged.startsWith("**alert 21 (+4 more)**"), merged);
            for (int i = 1; i <= 25; i++) {
                String s = subject(i);
                assertEquals(1, requests.stream().filter(r -> content(r).contains(s)).count(), s + " is sent exactly once");
            }
            assertEquals(0, outbox.waiting());
            assertEquals(21, deliveries.size());
            assertTrue(deliveries.stream().allMatch(Delivery::delivered));
        }
    }

    @Test void aMentionMessageCostsTwoRequestsOfTheLimit() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.NOW, Fixtures.SHANGHAI);
        try (RecordingReceiver robot = RecordingReceiver.answering(200, OK); ChannelSender sender = new ChannelSender(clock);
             AlertOutbox outbox = new AlertOutbox(sender, deliveries::add, clock, List.of())) {
            outbox.start();
            for (int i = 1; i <= 12; i++) {
                outbox.submit(wecom(robot, List.of("13800001111")), "alert " + i, List.of(Fixtures.check(subject(i))));
                assertTrue(outbox.awaitIdle(WAIT));
            }
            assertEquals(20, robot.requests().size(), "10 messages with their @mention follow-ups");
            assertEquals(2, outbox.waiting());
        }
    }

    @Test void pastFiftyQueuedAlertsOneSummaryStillNamesEverySubject() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.NOW, Fixtures.SHANGHAI);
        try (RecordingReceiver robot = RecordingReceiver.answering(200, OK); ChannelSender sender = new ChannelSender(clock);
             AlertOutbox outbox = new AlertOutbox(sender, deliveries::add, clock, List.of())) {
            outbox.start();
            WeCom channel = wecom(robot, List.of());
            for (int i = 1; i <= 20; i++) {
                outbox.submit(channel, "filler", List.of(Fixtures.check("check filler-" + i)));
                assertTrue(outbox.awaitIdle(WAIT));
            }
            for (int i = 1; i <= 60; i++) outbox.submit(channel, "disk alerts", List.of(Fixtures.check(subject(i))));
            assertTrue(outbox.awaitIdle(WAIT));
            assertEquals(20, robot.requests().size());

            clock.advance(Duration.ofMinutes(1));
            assertTrue(outbox.awaitIdle(WAIT));
            assertEquals(21, robot.requests().size());
            String summary = content(robot.requests().getLast());
            assertTrue(summary.contains("60 alerts"), summary);
            for (int i = 1; i <= 60; i++) assertTrue(summary.contains(subject(i)), subject(i));
            Delivery last = deliveries.stream().filter(d -> d.title().equals("disk alerts")).findFirst().orElseThrow();
            assertEquals(60, last.alerts().size(), "the delivery lists every alert, not the summary");
        }
    }

    @Test void failingReceiverIsRetriedThenReportedAndNothingClaimedSent() throws Exception {
        try (RecordingReceiver hook = RecordingReceiver.answering(500, "upstream down"); ChannelSender sender = new ChannelSender(Clock.systemUTC());
             AlertOutbox outbox = new AlertOutbox(sender, deliveries::add, Clock.systemUTC(), List.of(Duration.ofMillis(20), Duration.ofMillis(40)))) {
            outbox.start();
            outbox.submit(new Webhook("hook", hook.url("/alerts"), Map.of()), "down", Fixtures.BOTH);

            Delivery d = deliveries.poll(5, TimeUnit.SECONDS);
            assertNotNull(d, "the failure is reported");
            assertFalse(d.delivered());
            assertEquals(3, d.attempts());
            assertEquals(3, hook.requests().size(), "three attempts reached the receiver");
            assertEquals("webhook channel 'hook': HTTP 500: upstream down", d.problem());
            assertEquals(Fixtures.BOTH, d.alerts());
            assertTrue(outbox.awaitIdle(WAIT));
            assertTrue(deliveries.isEmpty(), "no second outcome for the same alerts");
            assertEquals(0, outbox.waiting());
        }
    }

    @Test void aRetryThatSucceedsIsReportedOnceAsDelivered() throws Exception {
        try (RecordingReceiver hook = new RecordingReceiver(new RecordingReceiver.Answer(503, ""), new RecordingReceiver.Answer(200, ""));
             ChannelSender sender = new ChannelSender(Clock.systemUTC());
             AlertOutbox outbox = new AlertOutbox(sender, deliveries::add, Clock.systemUTC(), List.of(Duration.ofMillis(20), Duration.ofMillis(40)))) {
            outbox.start();
            outbox.submit(new Webhook("hook", hook.url("/alerts"), Map.of()), "down", Fixtures.BOTH);

            Delivery d = deliveries.poll(5, TimeUnit.SECONDS);
            assertNotNull(d);
            assertTrue(d.delivered());
            assertEquals(2, d.attempts());
            assertEquals(2, hook.requests().size());
        }
    }

    @Test void closingReportsWhatWasNeverSent() throws Exception {
        try (RecordingReceiver hook = RecordingReceiver.answering(200, ""); ChannelSender sender = new ChannelSender(Clock.systemUTC())) {
            AlertOutbox outbox = new AlertOutbox(sender, deliveries::add);
            outbox.submit(new Webhook("hook", hook.url("/alerts"), Map.of()), "never started", Fixtures.BOTH);
            outbox.close();

            List<Delivery> all = new ArrayList<>(deliveries);
            assertEquals(1, all.size());
            assertFalse(all.getFirst().delivered());
            assertEquals("not sent before berth stopped", all.getFirst().problem());
            assertEquals(0, hook.requests().size());
        }
    }

    @Test void summaryGroupsByServerAndStateAndKeepsSingles() {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) alerts.add(Fixtures.check(subject(i)));
        alerts.add(Fixtures.APP_WEB);
        List<Alert> summary = AlertOutbox.summary(alerts);
        assertEquals(2, summary.size());
        assertEquals(new Alert("web-01", "3 alerts", Alert.CRITICAL, null, null, Fixtures.NOW, "check svc-01, check svc-02, check svc-03"), summary.get(0));
        assertEquals(Fixtures.APP_WEB, summary.get(1));
    }
}
