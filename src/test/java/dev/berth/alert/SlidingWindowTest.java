package dev.berth.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.config.AlertsSpec.Feishu;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @Test void fullWindowOpensWhenItsOldestRequestAgesOut() {
        List<RateLimit> twenty = List.of(RateLimit.perMinute(20));
        SlidingWindow w = new SlidingWindow();
        for (int i = 0; i < 20; i++) {
            Instant at = T0.plusSeconds(i);
            assertEquals(at, w.nextSlot(at, twenty, 1));
            w.record(at, 1, twenty);
        }
        assertEquals(T0.plusSeconds(60), w.nextSlot(T0.plusSeconds(20), twenty, 1));
        assertEquals(T0.plusSeconds(61), w.nextSlot(T0.plusSeconds(20), twenty, 2), "two requests need the two oldest gone");
        assertEquals(T0.plusSeconds(60), w.nextSlot(T0.plusSeconds(60), twenty, 1));
    }

    @Test void everyLimitHoldsFeishusPerSecondAndPerMinute() {
        List<RateLimit> feishu = ChannelLimits.of(new Feishu("f", java.net.URI.create("https://open.feishu.cn/x"), null, null, false));
        SlidingWindow w = new SlidingWindow();
        for (int i = 0; i < 5; i++) w.record(T0, 1, feishu);
        assertEquals(T0.plusSeconds(1), w.nextSlot(T0, feishu, 1), "five a second");
        for (int s = 1; s < 20; s++) for (int i = 0; i < 5; i++) w.record(T0.plusSeconds(s), 1, feishu);
        assertEquals(T0.plus(Duration.ofMinutes(1)), w.nextSlot(T0.plusSeconds(20), feishu, 1), "a hundred a minute");
    }

    @Test void oldRequestsAreForgotten() {
        List<RateLimit> one = List.of(RateLimit.perSecond(1));
        SlidingWindow w = new SlidingWindow();
        for (int i = 0; i < 100; i++) w.record(T0.plusSeconds(i), 1, one);
        assertEquals(1, w.size());
    }
}
