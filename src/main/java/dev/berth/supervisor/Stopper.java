package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Ends instances: the stop signal to the whole tree, SIGKILL after kill_timeout, and the slot's record. */
final class Stopper {
    private final ProcessTree tree;
    private final SupervisionRecords records;
    private final Executor tasks;

    Stopper(ProcessTree tree, SupervisionRecords records, Executor tasks) {
        this.tree = tree;
        this.records = records;
        this.tasks = tasks;
    }

    /** Stops every instance of the app at once (each waits for its own tree). */
    void stopAll(SupervisedApp a, String why) {
        List<Instance> all;
        synchronized (a) {
            all = List.copyOf(a.instances);
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Instance inst : all) stops.add(CompletableFuture.runAsync(() -> stop(a, inst, why), tasks));
        stops.forEach(CompletableFuture::join);
    }

    /** Stop signal to the whole tree, SIGKILL after kill_timeout; returns when nothing of it is left. */
    void stop(SupervisedApp a, Instance inst, String why) {
        Long pid;
        Long ticks;
        AppSpec spec;
        synchronized (a) {
            spec = a.spec;
            if (!inst.state().isUp()) {
                // BACKOFF or ERRORED: a pending restart must not fire after this.
                inst.generation++;
                inst.move(Transition.STOP_IDLE);
                records.persist(a.name, inst);
                return;
            }
            inst.move(Transition.STOP);
            pid = inst.pid;
            ticks = inst.startTicks;
        }
        records.persist(a.name, inst);
        records.slotEvent(a, inst, "stopping", why + (pid == null ? "" : ": pid " + pid));
        stopProcessTree(pid, ticks, spec);
        synchronized (a) {
            // The exit callback may not have run yet (adopted processes are polled).
            inst.generation++;
            inst.move(Transition.TREE_GONE);
            inst.pid = null;
            inst.measuredPid = null;
            inst.rssBytes = 0;
            inst.cpuPercent = 0;
            if (inst.outcome != null && !inst.outcome.isDone()) inst.outcome.complete("stopped");
        }
        records.persist(a.name, inst);
    }

    void stopProcessTree(Long pid, Long ticks, AppSpec spec) {
        if (pid == null || ticks == null) return; // never signal a pid we cannot tell apart from a reused one
        if (!tree.isAlive(pid, ticks)) {
            // The leader is gone; members of its process group may still live.
            tree.signalTree(pid, ticks, "KILL");
            return;
        }
        tree.signalTree(pid, ticks, spec.stopSignal());
        if (!tree.waitAllGone(pid, ticks, spec.killTimeout())) {
            tree.signalTree(pid, ticks, "KILL");
            tree.waitAllGone(pid, ticks, Duration.ofSeconds(5));
        }
    }

    /** Stops the slots past wanted and forgets them. */
    void dropExtraInstances(SupervisedApp a, int wanted) {
        List<Instance> extra;
        synchronized (a) {
            extra = a.instances.size() > wanted ? List.copyOf(a.instances.subList(wanted, a.instances.size())) : List.of();
        }
        for (Instance inst : extra) stop(a, inst, "scaled down");
        synchronized (a) {
            while (a.instances.size() > wanted) a.instances.remove(a.instances.size() - 1);
        }
        records.deleteInstancesFrom(a.name, wanted);
    }
}
