package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.container.Containers;
import dev.berth.text.Units;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches what runs: waits for a new process to be ready, decides what an exit leads to (backoff
 * and restart, or giving up), samples memory and CPU every second, and restarts on max_memory and
 * cron_restart.
 */
final class Watcher {
    private static final Logger LOG = Logger.getLogger(Watcher.class.getName());
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

    /** Starts a process for a slot (the spawner's); the future completes with null when ready, or why not. */
    @FunctionalInterface
    interface Respawn {
        CompletableFuture<String> spawn(SupervisedApp a, Instance inst, AppSpec spec);
    }

    /** Replaces a running instance of an app behind the front door blue-green (see BlueGreen); null when done, or why not. */
    @FunctionalInterface
    interface Replace {
        String replace(SupervisedApp a, Instance inst, AppSpec spec, String why);
    }

    /** Tells the front door where an app's instances are now; null, or the problem. */
    @FunctionalInterface
    interface Announce {
        String announce(SupervisedApp a);
    }

    /** Set by the supervisor once its parts exist (BlueGreen needs the spawner, which needs this watcher). */
    private volatile Replace replace;
    private volatile Announce announce;

    private final AppRegistry registry;
    private final ProcessTree tree;
    private final TreeSampler sampler;
    private final SupervisionRecords records;
    private final Stopper stopper;
    private final Respawn respawn;
    private final Clock clock;
    /** Monotonic time the waits (min_uptime, restart delay) are measured in: System::nanoTime, or a test's. */
    private final LongSupplier nanoTime;
    private final Executor tasks;
    private final ReadinessProbe probe = new ReadinessProbe();
    private final Containers containers;
    private volatile boolean closed;

    Watcher(AppRegistry registry, ProcessTree tree, SupervisionRecords records, Stopper stopper, Respawn respawn,
            Clock clock, LongSupplier nanoTime, Executor tasks, Containers containers) {
        this.containers = containers;
        this.registry = registry;
        this.tree = tree;
        this.sampler = new TreeSampler(tree);
        this.records = records;
        this.stopper = stopper;
        this.respawn = respawn;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.tasks = tasks;
    }

    // ---- a new process: ready, or not ------------------------------------------------------

    void awaitReady(SupervisedApp a, Instance inst, long gen, AppSpec spec, LogFiles logs, long logOffset, boolean persistSlot) {
        boolean ready;
        String failure = null;
        if (spec.ready() == null) {
            // Without a readiness signal, an instance counts as running once it stayed up min_uptime.
            ready = sleepWhile(spec.restart().minUptime(), () -> isCurrent(a, inst, gen));
        } else {
            String container;
            synchronized (a) {
                container = inst.containerName;
            }
            var engine = spec.container() == null ? null : containers.engineFor(spec.container()); // once, not at every try
            BooleanSupplier healthy = () -> containers.healthy(engine, container);
            ReadinessProbe.Outcome o = probe.await(spec.ready(), inst.port, logs.out(), logOffset, () -> isCurrent(a, inst, gen), healthy);
            ready = o == ReadinessProbe.Outcome.READY;
            if (o == ReadinessProbe.Outcome.TIMED_OUT) failure = "not ready within " + Units.duration(spec.ready().timeout());
        }
        CompletableFuture<String> outcome;
        synchronized (a) {
            if (inst.generation != gen || inst.state() != InstanceState.STARTING) return;
            outcome = inst.outcome;
            if (ready) {
                inst.move(Transition.READY); // the reason of the last restart stays: describe shows it
            } else if (failure != null) {
                inst.reason = failure;
            }
        }
        if (ready) {
            if (persistSlot) records.persist(a.name, inst);
            outcome.complete(null);
        } else if (failure != null) {
            records.slotEvent(a, inst, "not_ready", failure);
            outcome.complete(failure);
            // Never ready counts as a failed start: the process is stopped and the restart policy decides.
            stopper.stopProcessTree(inst.pid, inst.startTicks, spec);
        }
    }

    /**
     * A container engine's own failure (exit 125: the engine; 126, 127: the container's command
     * could not be run) is the last line of the instance's stderr, where the client wrote it: the
     * exit code alone says nothing of a missing image or a refused option.
     */
    private static String engineError(SupervisedApp a, Instance inst, Integer exitCode) {
        AppSpec spec;
        synchronized (a) {
            spec = a.spec;
        }
        if (spec.container() == null || exitCode == null || exitCode < 125 || exitCode > 127 || inst.trial) return null;
        Path err = LogFiles.of(spec, inst.index).err();
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(err.toFile(), "r")) {
            long from = Math.max(0, f.length() - 4096);
            byte[] tail = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(tail);
            String[] lines = new String(tail, java.nio.charset.StandardCharsets.UTF_8).strip().split("\n");
            String last = lines[lines.length - 1].strip();
            return last.isEmpty() ? null : last.length() > 300 ? last.substring(0, 300) + "..." : last;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private boolean isCurrent(SupervisedApp a, Instance inst, long gen) {
        synchronized (a) {
            return inst.generation == gen && inst.state() == InstanceState.STARTING;
        }
    }

    // ---- exits -------------------------------------------------------------------------------

    void onExit(SupervisedApp a, Instance inst, long gen, Integer exitCode) {
        RestartDecision decision;
        String message;
        CompletableFuture<String> outcome;
        String engineError = engineError(a, inst, exitCode); // a file read: outside the app's lock
        synchronized (a) {
            if (inst.generation != gen) return;
            AppSpec spec = a.spec;
            outcome = inst.outcome;
            inst.lastExitCode = exitCode;
            long lived = inst.startedAt == null ? 0 : Duration.between(inst.startedAt, clock.instant()).toMillis();
            String how = (exitCode == null ? "exited" : exitCode > 128 ? "killed by signal " + (exitCode - 128) : "exited with code " + exitCode)
                    + " after " + Units.duration(Duration.ofMillis(lived)) + (engineError == null ? "" : ": " + engineError);
            inst.pid = null;
            inst.measuredPid = null;
            inst.rssBytes = 0;
            inst.cpuPercent = 0;
            if (inst.trial || inst.retired) {
                // A preflight that exits has failed it; the preflight's caller decides what follows.
                // A retired instance was replaced: it is never restarted.
                inst.move(Transition.TREE_GONE.allowedFrom(inst.state()) ? Transition.TREE_GONE : Transition.EXIT_FOR_GOOD);
                if (outcome != null && !outcome.isDone()) outcome.complete(how + " before it was ready");
                return;
            }
            decision = RestartDecision.afterExit(inst.state(), a.desired, lived, spec.restart(), inst.unstableExits);
            inst.unstableExits = decision.unstableExits();
            inst.move(decision.edge());
            if (decision.edge() == Transition.TREE_GONE) {
                message = how + " (stopped)";
            } else if (a.desired != DesiredState.RUNNING) {
                message = how;
            } else {
                if (inst.reason == null || !inst.reason.startsWith("not ready")) inst.reason = how;
                if (!spec.restart().autorestart()) {
                    inst.reason = how + "; autorestart is off";
                } else if (decision.edge() == Transition.GIVE_UP) {
                    inst.reason = "exited " + inst.unstableExits + " times in a row before min_uptime ("
                            + Units.duration(spec.restart().minUptime()) + "); last: " + how
                            + "; see `berth logs " + a.name + " --err`";
                }
                message = inst.reason + (decision.backoff() != null ? "; restarting in " + Units.duration(decision.backoff()) : "");
            }
        }
        records.persist(a.name, inst);
        records.event(a.name, inst.index, inst.state() == InstanceState.ERRORED ? "errored" : "exited", message);
        if (outcome != null && !outcome.isDone()) outcome.complete(message);
        if (decision.backoff() != null) {
            Duration wait = decision.backoff();
            tasks.execute(() -> restartAfterBackoff(a, inst, gen, wait));
        }
    }

    void frontDoorParts(Replace replace, Announce announce) {
        this.replace = replace;
        this.announce = announce;
    }

    private void restartAfterBackoff(SupervisedApp a, Instance inst, long gen, Duration delay) {
        if (!sleepWhile(delay, () -> stillInBackoff(a, inst, gen))) return;
        a.operation.lock();
        try {
            if (!stillInBackoff(a, inst, gen)) return;
            AppSpec spec = a.freshSpec();
            Integer before;
            synchronized (a) {
                inst.restarts++;
                before = inst.port;
            }
            CompletableFuture<String> ready = respawn.spawn(a, inst, spec);
            if (spec.fronted()) {
                // its own port may have been taken meanwhile (a leftover child): then nginx must learn the new one
                ready.thenAccept(failure -> {
                    Integer now;
                    synchronized (a) {
                        now = inst.port;
                    }
                    Announce tell = announce;
                    if (failure == null && tell != null && !java.util.Objects.equals(before, now)) {
                        String problem = tell.announce(a);
                        if (problem != null) records.event(a.name, inst.index, "restart", problem);
                    }
                });
            }
        } finally {
            a.operation.unlock();
        }
    }

    private boolean stillInBackoff(SupervisedApp a, Instance inst, long gen) {
        synchronized (a) {
            return !closed && inst.generation == gen && inst.state() == InstanceState.BACKOFF;
        }
    }

    /** Sleeps d while cond holds; whether it still held at the end. */
    private boolean sleepWhile(Duration d, BooleanSupplier cond) {
        long end = nanoTime.getAsLong() + d.toNanos();
        while (nanoTime.getAsLong() < end) {
            if (!cond.getAsBoolean()) return false;
            try {
                Thread.sleep(Math.min(50, Math.max(1, (end - nanoTime.getAsLong()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return cond.getAsBoolean();
    }

    // ---- every second: resources, memory limit, cron -----------------------------------------

    void watchLoop() {
        while (!closed) {
            try {
                Thread.sleep(SAMPLE_EVERY);
                watchOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "watch failed", e);
            }
        }
    }

    private void watchOnce() {
        List<SupervisedApp> all = registry.all();
        long now = System.nanoTime(); // CPU shares are of real time, whatever the waits are measured in
        List<Long> pids = new ArrayList<>();
        for (SupervisedApp a : all) {
            synchronized (a) {
                for (Instance inst : a.instances) if (inst.state().isUp() && inst.pid != null) pids.add(measured(inst));
            }
        }
        Map<Long, TreeSampler.Sample> samples = pids.isEmpty() ? Map.of() : sampler.sample(pids);
        for (SupervisedApp a : all) {
            AppSpec spec;
            List<Instance> insts;
            synchronized (a) {
                spec = a.spec;
                insts = List.copyOf(a.instances);
            }
            for (Instance inst : insts) sampleInstance(a, inst, spec, samples, now);
            ZonedDateTime cron;
            synchronized (a) {
                cron = a.desired == DesiredState.RUNNING ? a.nextCron : null;
            }
            if (cron != null && !ZonedDateTime.now(clock).isBefore(cron)) {
                synchronized (a) {
                    a.scheduleCron();
                }
                tasks.execute(() -> {
                    List<Instance> targets;
                    synchronized (a) {
                        targets = List.copyOf(a.instances);
                    }
                    for (Instance inst : targets) restartInstance(a, inst, "cron_restart " + spec.cronRestart());
                });
            }
        }
    }

    /** The root of what is measured of an instance: its process, or its container's first one. */
    private static long measured(Instance inst) {
        return inst.measuredPid != null ? inst.measuredPid : inst.pid;
    }

    /** Records this tick's sample of the instance's tree; over max_memory, it is restarted. */
    private void sampleInstance(SupervisedApp a, Instance inst, AppSpec spec, Map<Long, TreeSampler.Sample> samples, long now) {
        Long pid;
        long gen;
        synchronized (a) {
            pid = inst.state().isUp() && inst.pid != null ? measured(inst) : null;
            gen = inst.generation;
        }
        TreeSampler.Sample s = pid == null ? null : samples.get(pid);
        if (s == null) return; // not up, or started after this tick's scan
        boolean over;
        synchronized (a) {
            if (inst.generation != gen) return; // stopped or replaced since: the sample is of the old process
            inst.rssBytes = s.rssBytes();
            inst.memoryGeneration = gen;
            // hasPrevious is false for a pid sampled for the first time: a new or adopted process
            if (s.hasPrevious()) {
                inst.cpuPercent = tree.cpuPercent(0, s.cpuTicksSincePrevious(), now - inst.lastSampleNanos);
                inst.cpuGeneration = gen;
            }
            inst.lastSampleNanos = now;
            over = spec.maxMemory() != null && s.rssBytes() > spec.maxMemory() && inst.state() == InstanceState.RUNNING;
        }
        if (over) {
            String why = "memory " + Units.bytes(s.rssBytes()) + " over max_memory " + Units.bytes(spec.maxMemory());
            tasks.execute(() -> restartInstance(a, inst, why));
        }
    }

    /** Graceful restart of one instance (memory limit, cron), recorded with its reason. */
    private void restartInstance(SupervisedApp a, Instance inst, String why) {
        if (!a.operation.tryLock()) return; // an operation is under way; the next sample will look again
        try {
            synchronized (a) {
                if (inst.state() != InstanceState.RUNNING) return;
            }
            records.event(a.name, inst.index, "restart", why);
            AppSpec fresh = a.freshSpec();
            Replace blueGreen = replace;
            if (fresh.fronted() && blueGreen != null) {
                // behind the front door a memory or cron restart is a switch too: the old one serves until the new one does
                String failure = blueGreen.replace(a, inst, fresh, why);
                if (failure != null) records.event(a.name, inst.index, "restart", why + ": " + failure);
                return;
            }
            stopper.stop(a, inst, why);
            AppSpec spec = fresh;
            synchronized (a) {
                inst.restarts++;
                inst.unstableExits = 0;
                inst.reason = "restarted: " + why;
            }
            respawn.spawn(a, inst, spec);
        } finally {
            a.operation.unlock();
        }
    }

    void close() {
        closed = true;
    }
}
