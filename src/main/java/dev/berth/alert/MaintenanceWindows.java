package dev.berth.alert;

import dev.berth.config.AlertsSpec;
import dev.berth.config.CronExpressions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/** Whether a moment falls in one of the quiet windows (cron start, duration), in the machine's time zone. */
public final class MaintenanceWindows {
    private MaintenanceWindows() { }

    /** The window in force at now, or null. */
    public static AlertsSpec.Maintenance active(List<AlertsSpec.Maintenance> windows, Instant now, ZoneId zone) {
        ZonedDateTime t = now.atZone(zone);
        for (AlertsSpec.Maintenance w : windows) {
            ZonedDateTime start = CronExpressions.lastAtOrBefore(w.cron(), t);
            if (start != null && !t.isBefore(start) && t.isBefore(start.plus(w.duration()))) return w;
        }
        return null;
    }
}
