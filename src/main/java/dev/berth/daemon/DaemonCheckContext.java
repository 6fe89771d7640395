package dev.berth.daemon;

import dev.berth.backup.BackupReconciler;
import dev.berth.monitor.CheckContext;
import dev.berth.monitor.probe.HostStats;
import dev.berth.store.BackupCatalog;
import dev.berth.store.CheckRecords;
import dev.berth.store.StateStore;
import dev.berth.store.StoreException;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.InstanceStatus;
import dev.berth.supervisor.Supervisor;
import java.util.List;

/** What the daemon's checks read about apps, backups and heartbeats: the daemon's own state. */
final class DaemonCheckContext implements CheckContext {
    private final Supervisor supervisor;
    private final StateStore store;
    private final BackupCatalog backups;
    private final CheckRecords monitoring;
    private final long since = System.currentTimeMillis();
    private volatile HostStats host;

    private final BackupReconciler reconciler;

    DaemonCheckContext(Supervisor supervisor, StateStore store, BackupCatalog backups, CheckRecords monitoring, BackupReconciler reconciler) {
        this.reconciler = reconciler;
        this.supervisor = supervisor;
        this.store = store;
        this.backups = backups;
        this.monitoring = monitoring;
    }

    @Override public AppHealth app(String name) {
        if (!supervisor.has(name)) return null;
        AppStatus s = supervisor.status(name);
        int online = 0;
        String state = s.desired();
        for (InstanceStatus i : s.instances()) {
            if (i.state().equals("running")) online++;
            else state = i.state();
        }
        int restarts;
        try {
            restarts = store.countUnplannedExits(name, System.currentTimeMillis() - 3_600_000L);
        } catch (StoreException e) {
            restarts = 0;
        }
        int total = "stopped".equals(s.desired()) ? 0 : s.instances().size();
        return new AppHealth(online, total, restarts, total == 0 ? "stopped" : state);
    }

    @Override public Long lastGoodBackup(String name) {
        try {
            return backups.lastGood(name);
        } catch (StoreException e) {
            return null;
        }
    }

    @Override public List<String> unknownArchives(String name) {
        return reconciler.unknownFiles(name).stream().map(f -> f.file().toString()).toList();
    }

    @Override public Long lastBeat(String name) {
        try {
            return monitoring.lastBeat(name).orElse(null);
        } catch (StoreException e) {
            return null;
        }
    }

    @Override public long watchingSince() {
        return since;
    }

    /** Made on first use: a daemon with no host check never loads the system-stats library. */
    @Override public HostStats host() {
        HostStats h = host;
        if (h == null) {
            synchronized (this) {
                if (host == null) host = new HostStats();
                h = host;
            }
        }
        return h;
    }
}
