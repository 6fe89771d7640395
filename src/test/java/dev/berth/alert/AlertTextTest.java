package dev.berth.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertTextTest {
    private final AlertText text = new AlertText(Fixtures.NOW, Fixtures.SHANGHAI);

    @Test void sinceIsLocalTimeAndAge() {
        assertEquals("2023-11-15 06:08:20 (5m ago)", text.since(Fixtures.HTTP_API));
        Alert old = new Alert("web-01", "backup maindb", Alert.WARNING, null, null, Fixtures.NOW.minus(Duration.ofHours(27).plusMinutes(4)), "");
        assertEquals("2023-11-14 03:09:20 (1d3h ago)", text.since(old));
    }

    @Test void oneLineKeepsValueThresholdAndSinceWithTheDateOnlyWhenNotToday() {
        assertEquals("check http-api: 3412 ms (threshold > 3000 ms), since 06:08:20 (5m ago)", text.line(Fixtures.HTTP_API, Fixtures.BOTH));
        Alert yesterday = new Alert("web-02", "deploy web", Alert.INFO, null, null, Fixtures.NOW.minus(Duration.ofHours(7)), "");
        assertEquals("web-02 deploy web: since 2023-11-14 23:13:20 (7h ago)", text.line(yesterday, List.of(yesterday, Fixtures.HTTP_API)),
                "several servers: each subject says which");
    }

    @Test void cutKeepsWholeCharacters() {
        String cut = AlertText.cut("告警".repeat(10), 10);
        assertEquals("告警…", cut);
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 10);
        assertEquals("short", AlertText.cut("short", 10));
    }
}
