package dev.berth.daemon;

import dev.berth.backup.BackupReconciler;
import dev.berth.backup.RestoreRecord;
import dev.berth.config.BackupSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.ConfigCache;
import dev.berth.config.ConfigException;
import dev.berth.config.SecretBox;
import dev.berth.json.Json;
import dev.berth.store.Operations;
import dev.berth.store.StateStore;
import dev.berth.store.StoreException;
import dev.berth.supervisor.InstanceStatus;
import dev.berth.supervisor.Supervisor;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At daemon start, after the apps were recovered: every operation the previous daemon was in
 * the middle of (its record is still in the operations table) is reported in the events of its
 * app or backup, with what was done and what was not; a stop is finished (the app's desired
 * state already says stopped); a drill's scratch database is dropped; a restore's target is put
 * back where that can be done, and an interrupted restore raises an alert.
 */
final class InterruptedOperations {
    private static final Logger LOG = Logger.getLogger(InterruptedOperations.class.getName());

    private final Operations operations;
    private final StateStore store;
    private final Supervisor supervisor;
    private final BackupReconciler backups;
    private final ConfigCache configs;

    /** Opens the variables a restore or drill record keeps sealed. */
    private final SecretBox secrets;

    InterruptedOperations(Operations operations, StateStore store, Supervisor supervisor, BackupReconciler backups, ConfigCache configs,
                          SecretBox secrets) {
        this.secrets = secrets;
        this.operations = operations;
        this.store = store;
        this.supervisor = supervisor;
        this.backups = backups;
        this.configs = configs;
    }

    /** Reports (or finishes) each, and removes its record. */
    void settle() {
        List<Operations.Operation> left;
        try {
            left = operations.all();
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot read the operations the previous daemon left", e);
            return;
        }
        for (Operations.Operation op : left) {
            try {
                settle(op);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot settle the interrupted " + op.kind() + " of " + op.target(), e);
                event(op.target(), "interrupted", "the " + op.kind() + " asked at " + Instant.ofEpochMilli(op.startedAt())
                        + " was interrupted by the berth daemon's end (" + e.getMessage() + ")");
            }
            try {
                operations.end(op.id());
            } catch (StoreException e) {
                LOG.log(Level.WARNING, "cannot remove the record of operation #" + op.id(), e);
            }
        }
    }

    private void settle(Operations.Operation op) {
        Map<String, Object> detail = Json.readMap(op.detailJson());
        String asked = "the " + op.kind() + " of " + op.target() + " asked at " + Instant.ofEpochMilli(op.startedAt());
        switch (op.kind()) {
            case "restart", "reload" -> {
                if (!supervisor.has(op.target())) {
                    event(op.target(), "interrupted", asked + " was interrupted by the berth daemon's end");
                    return;
                }
                List<String> done = new ArrayList<>();
                List<String> notDone = new ArrayList<>();
                List<?> before = detail.get("pids") instanceof List<?> l ? l : List.of();
                for (InstanceStatus i : supervisor.status(op.target()).instances()) {
                    Object old = i.index() < before.size() ? before.get(i.index()) : null;
                    boolean same = old instanceof Number n && i.pid() != null && n.longValue() == i.pid();
                    (same ? notDone : done).add(String.valueOf(i.index()));
                }
                event(op.target(), "interrupted", asked + " was interrupted by the berth daemon's end: "
                        + (done.isEmpty() ? "" : "instance(s) " + String.join(", ", done) + " run a new process")
                        + (done.isEmpty() || notDone.isEmpty() ? "" : "; ")
                        + (notDone.isEmpty() ? "" : "instance(s) " + String.join(", ", notDone) + " still run the process from before it")
                        + (notDone.isEmpty() ? "" : "; run `berth " + op.kind() + " " + op.target() + "` to finish it"));
            }
            case "stop" -> {
                if (!supervisor.has(op.target())) return;
                event(op.target(), "interrupted", asked + " was interrupted by the berth daemon's end; this daemon finishes it");
                // in the background: the tree stops may take kill_timeout, and the API should answer meanwhile
                Thread.ofVirtual().name("finish-stop-" + op.target()).start(() -> supervisor.stop(op.target()));
            }
            case "restore", "drill" -> {
                String name = op.target().substring("backup:".length());
                long id = ((Number) detail.get("id")).longValue();
                BackupSpec spec = spec(detail, name);
                if (spec == null) {
                    event(op.target(), op.kind() + "_interrupted", asked + " (#" + id + ") was interrupted by the berth daemon's end;"
                            + " its berth.yml no longer declares the backup, so its target was not checked");
                    return;
                }
                if (op.kind().equals("drill")) {
                    event(op.target(), "interrupted", backups.interruptedDrill(spec, id, op.startedAt()));
                } else {
                    event(op.target(), "restore_interrupted", backups.interruptedRestore(spec, id, (String) detail.get("to")));
                }
            }
            default -> event(op.target(), "interrupted", asked + " was interrupted by the berth daemon's end");
        }
    }

    private BackupSpec spec(Map<String, Object> detail, String name) {
        try {
            var record = RestoreRecord.read(detail, secrets);
            BerthFile file = configs.load(record.config(), record.variables());
            return file.backup(name).orElse(null);
        } catch (ConfigException | IOException | RuntimeException e) {
            LOG.warning("cannot load " + detail.get("config") + " for the interrupted operation on " + name + ": " + e.getMessage());
            return null;
        }
    }

    private void event(String target, String kind, String message) {
        LOG.warning(target + ": " + message);
        try {
            store.addEvent(target, null, kind, message);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot record the event", e);
        }
    }
}
