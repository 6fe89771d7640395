package dev.berth.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class BackupSchedulerTest {
    private static Instant local(String t) {
        return LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant();
    }

    @Test void dueOnceTheScheduleFiredSinceTheLastRun() {
        String daily2am = "0 2 * * *";
        Instant lastRun = local("2026-11-20T02:00:05");
        assertFalse(BackupScheduler.due(daily2am, lastRun, lastRun, local("2026-11-21T01:59:59")), "not before 02:00 the next day");
        assertTrue(BackupScheduler.due(daily2am, lastRun, lastRun, local("2026-11-21T02:00:00")));
    }

    @Test void aRunMissedWhileTheDaemonWasDownIsTakenOnceWhenItComesBack() {
        // last run three days ago: due now (one run, after which its time is the new base)
        assertTrue(BackupScheduler.due("0 2 * * *", local("2026-11-18T02:00:00"), local("2026-11-21T09:00:00"), local("2026-11-21T09:00:10")));
        assertFalse(BackupScheduler.due("0 2 * * *", local("2026-11-21T09:00:11"), local("2026-11-21T09:00:00"), local("2026-11-21T09:00:30")));
    }

    @Test void neverRunStartsCountingFromTheDaemonsStart() {
        Instant started = local("2026-11-21T09:00:00");
        assertFalse(BackupScheduler.due("0 2 * * *", null, started, local("2026-11-21T23:00:00")));
        assertTrue(BackupScheduler.due("0 2 * * *", null, started, local("2026-11-22T02:00:00")));
    }

    @Test void silenceIsAFailureOnceTheGraceIsOver() {
        java.time.Duration hour = java.time.Duration.ofHours(1);
        Instant lastGood = local("2026-11-20T02:00:30");
        assertEquals(null, BackupScheduler.missedSlot("0 2 * * *", lastGood, lastGood, local("2026-11-21T02:59:00"), hour), "within the grace");
        assertEquals(local("2026-11-21T02:00:00"), BackupScheduler.missedSlot("0 2 * * *", lastGood, lastGood, local("2026-11-21T03:00:00"), hour));
        assertEquals(null, BackupScheduler.missedSlot("0 2 * * *", local("2026-11-21T02:05:00"), lastGood, local("2026-11-21T03:30:00"), hour),
                "a success after the slot clears it");
    }
}
