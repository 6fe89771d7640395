package dev.berth.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AlertsSpec;
import dev.berth.json.Json;
import dev.berth.store.CheckRecords;
import dev.berth.store.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What fails together goes out together; silences and maintenance windows hold alerts back but record them. */
class AlertRouterTest {
    @TempDir Path dir;

    private static AlertRouter.Raise raise(String check, String state) {
        return new AlertRouter.Raise(check, "check " + check, state, "3412 ms", "> 3000 ms", Instant.now(), "latency 3412 ms", List.of());
    }

    @Test void alertsWithinGroupWaitGoOutAsOneMessagePerChannel() throws Exception {
        try (StateStore store = new StateStore(dir.resolve("state.db"));
             RecordingReceiver hook = RecordingReceiver.answering(200, "{}");
             RecordingReceiver other = RecordingReceiver.answering(200, "{}")) {
            CheckRecords monitoring = new CheckRecords(store);
            AlertsSpec spec = new AlertsSpec(List.of(new AlertsSpec.Webhook("hook", hook.url("/a"), Map.of()),
                    new AlertsSpec.Webhook("other", other.url("/b"), Map.of())), Duration.ofMinutes(30), Duration.ofMillis(500), "box", List.of());
            AlertRouter router = new AlertRouter(monitoring, new ChannelSender(), () -> spec, Clock.systemUTC(), ZoneOffset.UTC);
            try {
                router.raise(raise("api", "CRITICAL"));
                router.raise(raise("db", "CRITICAL"));
                router.raise(raise("disk", "WARNING"));
                Thread.sleep(1500); // past group_wait: the flusher hands the group over by itself
                assertTrue(router.awaitIdle(Duration.ofSeconds(10)));
            } finally {
                router.close();
            }
            assertEquals(1, hook.requests().size(), "one message for the three: " + hook.requests());
            assertEquals(1, other.requests().size());
            List<Object> alerts = Json.readList(Json.write(Json.readMap(hook.requests().get(0).body()).get("alerts")));
            assertEquals(3, alerts.size(), hook.requests().get(0).body());
            assertEquals("box", Json.readMap(hook.requests().get(0).body()).get("server"));
            assertTrue(monitoring.alerts(10).stream().allMatch(a -> a.delivery().equals("sent (hook, other)")),
                    monitoring.alerts(10).toString());
        }
    }

    /** A daemon that stops while one channel still fails leaves the alert queued for that channel only; the next daemon sends it there. */
    @Test void theNextRouterSendsWhatTheLastOneLeftForItsMissingChannels() throws Exception {
        try (StateStore store = new StateStore(dir.resolve("state.db"));
             RecordingReceiver hook = RecordingReceiver.answering(200, "{}");
             RecordingReceiver down = RecordingReceiver.answering(500, "robot is down");
             RecordingReceiver up = RecordingReceiver.answering(200, "{}")) {
            CheckRecords monitoring = new CheckRecords(store);
            AlertsSpec before = new AlertsSpec(List.of(new AlertsSpec.Webhook("hook", hook.url("/a"), Map.of()),
                    new AlertsSpec.Webhook("other", down.url("/b"), Map.of())), null, Duration.ofMillis(100), "box", List.of());
            AlertRouter first = new AlertRouter(monitoring, new ChannelSender(), () -> before, Clock.systemUTC(), ZoneOffset.UTC);
            first.raise(raise("api", "CRITICAL"));
            long end = System.nanoTime() + 10_000_000_000L;
            while ((hook.requests().isEmpty() || down.requests().isEmpty()) && System.nanoTime() < end) Thread.sleep(50);
            first.close(); // "other" is waiting for its retry
            assertEquals(1, hook.requests().size());
            assertEquals("queued; sent to hook", monitoring.alerts(1).get(0).delivery());

            AlertsSpec after = new AlertsSpec(List.of(new AlertsSpec.Webhook("hook", hook.url("/a"), Map.of()),
                    new AlertsSpec.Webhook("other", up.url("/b"), Map.of())), null, Duration.ofMillis(100), "box", List.of());
            AlertRouter second = new AlertRouter(monitoring, new ChannelSender(), () -> after, Clock.systemUTC(), ZoneOffset.UTC);
            try {
                second.resumeQueued();
                Thread.sleep(500);
                assertTrue(second.awaitIdle(Duration.ofSeconds(10)));
            } finally {
                second.close();
            }
            assertEquals(1, hook.requests().size(), "not sent twice to the channel that had it");
            assertEquals(1, up.requests().size());
            assertEquals("sent (hook, other)", monitoring.alerts(1).get(0).delivery());
        }
    }

    @Test void silencedAndMaintenanceAlertsAreRecordedNotSent() throws Exception {
        try (StateStore store = new StateStore(dir.resolve("state.db"));
             RecordingReceiver hook = RecordingReceiver.answering(200, "{}")) {
            CheckRecords monitoring = new CheckRecords(store);
            monitoring.addSilence("web", System.currentTimeMillis() + 60_000, "deploying");
            // a window that started at the top of this minute and lasts two minutes
            AlertsSpec quiet = new AlertsSpec(List.of(new AlertsSpec.Webhook("hook", hook.url("/a"), Map.of())), null, Duration.ofMillis(100), null,
                    List.of(new AlertsSpec.Maintenance("* * * * *", Duration.ofMinutes(2))));
            AlertsSpec open = new AlertsSpec(quiet.channels(), null, Duration.ofMillis(100), null, List.of());
            AlertsSpec[] spec = {open};
            AlertRouter router = new AlertRouter(monitoring, new ChannelSender(), () -> spec[0], Clock.systemUTC(), ZoneOffset.UTC);
            try {
                router.raise(raise("app:web", "CRITICAL")); // a silence on "web" covers its app:web check
                spec[0] = quiet;
                router.raise(raise("api", "CRITICAL"));
                assertTrue(router.awaitIdle(Duration.ofSeconds(10)));
            } finally {
                router.close();
            }
            assertEquals(0, hook.requests().size(), hook.requests().toString());
            List<CheckRecords.AlertRecord> recorded = monitoring.alerts(10);
            assertEquals(List.of("maintenance", "silenced"), recorded.stream().map(CheckRecords.AlertRecord::delivery).toList());
            assertTrue(recorded.get(1).error().contains("deploying"), recorded.toString());
        }
    }
}
