package dev.berth.supervisor;

import dev.berth.json.Json;
import dev.berth.store.StateStore;
import dev.berth.store.StoreException;
import dev.berth.store.StoredInstance;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Writes every change of an instance, an app's desired state and its events to the state store, so a new daemon can adopt what runs. */
final class SupervisionRecords {
    private static final Logger LOG = Logger.getLogger(SupervisionRecords.class.getName());
    private final StateStore store;
    /** Whether an app is still registered: a deleted app's late callbacks write nothing. */
    private final Predicate<String> registered;

    SupervisionRecords(StateStore store, Predicate<String> registered) {
        this.store = store;
        this.registered = registered;
    }

    void persist(String app, Instance i) {
        if (i.trial || i.retired) return;
        StoredInstance s = new StoredInstance(app, i.index, i.pid, i.startTicks, i.startedAt == null ? null : i.startedAt.toEpochMilli(),
                i.port, i.restarts, i.state().label(), i.reason, Json.write(i.envDigest), i.envChanges);
        try {
            if (registered.test(app)) store.saveInstance(s);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot save instance " + app + "[" + i.index + "]", e);
        }
    }

    void persistDesired(SupervisedApp a) {
        try {
            store.setDesired(a.name, a.desired.label());
        } catch (StoreException e) {
            throw new IllegalStateException("cannot save the desired state of " + a.name + ": " + e.getMessage(), e);
        }
    }

    void deleteInstancesFrom(String app, int wanted) {
        try {
            store.deleteInstancesFrom(app, wanted);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot record scale-down of " + app, e);
        }
    }

    void deleteApp(String app) {
        try {
            store.deleteApp(app);
        } catch (StoreException e) {
            throw new IllegalStateException("cannot record the deletion of " + app + ": " + e.getMessage(), e);
        }
    }

    /**
     * An instance's event; a preflight's is the app's, kind "preflight" (it is no slot's history,
     * and its failure is the deployment's to report, not an alert of its own).
     */
    void slotEvent(SupervisedApp a, Instance inst, String kind, String message) {
        if (inst.trial) event(a.name, null, "preflight", kind.replace('_', ' ') + ": " + message);
        else event(a.name, inst.index, kind, message);
    }

    void event(String app, Integer index, String kind, String message) {
        try {
            store.addEvent(app, index, kind, message);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot record event for " + app, e);
        }
    }
}
