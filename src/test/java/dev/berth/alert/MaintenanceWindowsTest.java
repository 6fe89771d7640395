package dev.berth.alert;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.config.AlertsSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaintenanceWindowsTest {
    private final List<AlertsSpec.Maintenance> sundayPatching = List.of(new AlertsSpec.Maintenance("0 3 * * 0", Duration.ofHours(2)));

    @Test void insideFromTheStartUntilTheDurationEnds() {
        // 2026-11-29 is a Sunday
        assertNotNull(MaintenanceWindows.active(sundayPatching, Instant.parse("2026-11-29T03:00:00Z"), ZoneOffset.UTC));
        assertNotNull(MaintenanceWindows.active(sundayPatching, Instant.parse("2026-11-29T04:59:59Z"), ZoneOffset.UTC));
    }

    @Test void outsideBeforeAndAfter() {
        assertNull(MaintenanceWindows.active(sundayPatching, Instant.parse("2026-11-29T02:59:59Z"), ZoneOffset.UTC));
        assertNull(MaintenanceWindows.active(sundayPatching, Instant.parse("2026-11-29T05:00:00Z"), ZoneOffset.UTC));
        assertNull(MaintenanceWindows.active(sundayPatching, Instant.parse("2026-11-30T03:30:00Z"), ZoneOffset.UTC), "Monday");
    }
}
