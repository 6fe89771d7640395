package dev.berth.daemon;

import dev.berth.backup.BackupAlerts;
import dev.berth.store.StateStore;
import dev.berth.store.StoreException;
import java.util.logging.Logger;

/** Backup problems as events under "backup:<name>", which the monitor turns into alerts (see CheckScheduler.onEvent). */
final class BackupAlertEvents implements BackupAlerts {
    private static final Logger LOG = Logger.getLogger(BackupAlertEvents.class.getName());

    private final StateStore store;

    BackupAlertEvents(StateStore store) {
        this.store = store;
    }

    @Override public void raise(String backup, String kind, String message) {
        LOG.warning(message);
        try {
            store.addEvent("backup:" + backup, null, kind, message);
        } catch (StoreException e) {
            LOG.warning("cannot record the alert event: " + e.getMessage());
        }
    }
}
