package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.container.Containers;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import dev.berth.text.Units;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Puts processes into slots: launches an instance in its own session (after checking its port),
 * runs a preflight beside the app, and adopts the live processes an earlier daemon left.
 */
final class Spawner {
    /** BERTH_INSTANCE of a preflight process. */
    private static final String PREFLIGHT = "preflight";

    private final ProcessTree tree;
    private final LogRelay logRelay;
    private final PortPlan ports;
    private final Clock clock;
    private final Map<String, String> baseEnv;
    private final SupervisionRecords records;
    private final Stopper stopper;
    private final Watcher watcher;
    private final Executor tasks;
    private final Containers containers;

    Spawner(ProcessTree tree, LogRelay logRelay, PortPlan ports, Clock clock, Map<String, String> baseEnv,
            SupervisionRecords records, Stopper stopper, Watcher watcher, Executor tasks, Containers containers) {
        this.tree = tree;
        this.logRelay = logRelay;
        this.ports = ports;
        this.clock = clock;
        this.baseEnv = baseEnv;
        this.records = records;
        this.stopper = stopper;
        this.watcher = watcher;
        this.tasks = tasks;
        this.containers = containers;
    }

    Containers containers() {
        return containers;
    }

    // ---- launching ----------------------------------------------------------------------------

    CompletableFuture<String> spawn(SupervisedApp a, Instance inst, AppSpec spec) {
        return spawnInto(a, inst, spec, true);
    }

    /** Starts one process for the slot; the future completes with null when ready, or with why it failed. */
    CompletableFuture<String> spawnInto(SupervisedApp a, Instance inst, AppSpec spec, boolean persistSlot) {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        synchronized (a) {
            // checked before anything is launched: a refused edge must not leave a process no one records
            if (!Transition.SPAWN.allowedFrom(inst.state())) {
                outcome.complete("cannot start an instance that is " + inst.state().label());
                return outcome;
            }
        }
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        env.putAll(spec.env());
        // The marks let a later daemon find this process even if it never learnt its pid (see recover).
        env.put("BERTH_APP", spec.name());
        env.put("BERTH_INSTANCE", inst.trial ? PREFLIGHT : String.valueOf(inst.index));
        LogFiles logs = inst.trial ? LogFiles.preflight(spec) : LogFiles.of(spec, inst.index);
        long gen;
        long logOffset;
        Process process;
        Integer port;
        Containers.Launch container = null;
        try {
            port = ports.portFor(spec, inst);
            if (port != null) env.put("PORT", String.valueOf(port));
            // 0600, made here: the redirects below and berth-logd would create them with the umask's mode
            PrivateFiles.file(logs.out());
            if (!logs.merged()) PrivateFiles.file(logs.err());
            logOffset = Files.size(logs.out());
            List<String> program = spec.command().argv();
            if (spec.container() != null) {
                // the engine's client in the foreground: its output, exit and signals are the container's
                container = containers.launch(spec, env.get("BERTH_INSTANCE"), port);
                program = container.argv();
                env.put(Containers.NAME_VARIABLE, container.name()); // a later daemon finds the container by it
                env.putAll(containers.engineEnvironment());
            }
            List<String> argv = new ArrayList<>();
            if (LogRelay.needed(spec.logs())) {
                argv.addAll(logRelay.wrap(spec.logs(), logs, program));
            } else {
                argv.addAll(logRelay.inOwnSession(program));
            }
            if (port != null) {
                // The app would only say so in its error log, after a failed start.
                String holder = PortCheck.inUse(port, tree);
                if (holder != null) throw new IOException(holder);
            }
            ProcessBuilder pb = new ProcessBuilder(argv).directory(spec.cwd().toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // The kernel writes the app's output straight to its files: the daemon being slow or gone never blocks the app.
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.out().toFile()));
            if (logs.merged()) pb.redirectErrorStream(true);
            else pb.redirectError(ProcessBuilder.Redirect.appendTo(logs.err().toFile()));
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            synchronized (a) {
                inst.move(Transition.SPAWN_FAILED);
                inst.reason = "cannot start: " + e.getMessage();
                inst.pid = null;
                inst.launch = null;
            }
            if (persistSlot) records.persist(a.name, inst);
            records.slotEvent(a, inst, "spawn_error", inst.reason);
            outcome.complete(inst.reason);
            return outcome;
        }
        long pid = process.pid();
        Map<String, String> digest = EnvDigest.of(spec.env());
        String launch = launchOf(spec, digest); // a path lookup: outside the app's lock
        synchronized (a) {
            gen = ++inst.generation;
            inst.pid = pid;
            inst.measuredPid = null;
            inst.containerName = container == null ? null : container.name();
            inst.startTicks = tree.startTicks(pid).orElse(null);
            inst.startedAt = clock.instant();
            inst.adopted = false;
            inst.port = port;
            inst.move(Transition.SPAWN);
            inst.lastExitCode = null;
            inst.rssBytes = 0;
            inst.cpuPercent = 0;
            String changes = EnvDigest.changes(inst.envDigest, digest);
            if (changes != null) inst.envChanges = changes;
            inst.envDigest = digest;
            inst.launch = launch;
            inst.outcome = outcome;
        }
        if (persistSlot) records.persist(a.name, inst);
        records.slotEvent(a, inst, "started", "pid " + pid + (port == null ? "" : " port " + port)
                + (inst.envChanges != null ? "; env changed since the previous start: " + inst.envChanges : ""));
        Containers.Launch started = container;
        process.onExit().thenAccept(p -> {
            if (started != null) containers.remove(started.engine(), started.name()); // gone with --rm, unless its client was killed
            watcher.onExit(a, inst, gen, p.exitValue());
        });
        tasks.execute(() -> watcher.awaitReady(a, inst, gen, spec, logs, logOffset, persistSlot));
        if (started != null) tasks.execute(() -> measureContainer(a, inst, gen, started.engine(), started.name()));
        return outcome;
    }

    /**
     * Points the instance's measurements at its container's first process once the engine names
     * it (the client is not its parent, so the client's own tree holds none of the app).
     */
    private void measureContainer(SupervisedApp a, Instance inst, long gen, dev.berth.container.Engine engine, String name) {
        Long first = containers.firstProcess(engine, name, java.time.Duration.ofSeconds(30), () -> {
            synchronized (a) {
                return inst.generation == gen;
            }
        });
        if (first == null) return;
        synchronized (a) {
            if (inst.generation == gen) inst.measuredPid = first;
        }
    }

    /** What a process of this spec is started from: instances with the same value run the same code and settings. */
    static String launchOf(AppSpec spec, Map<String, String> envDigest) {
        Path dir = spec.cwd();
        try {
            dir = dir.toRealPath(); // `current` and the release it points at are the same code
        } catch (IOException e) {
            // not there (yet): compared as written
        }
        return launchKey(dir, spec.command().argv(), envDigest);
    }

    private static String launchKey(Path realDir, List<String> argv, Map<String, String> envDigest) {
        return realDir + "\0" + String.join("\0", argv) + "\0" + Json.write(envDigest);
    }

    /** The outcome of a spawn, waited for as long as its readiness may take and 30 s more. */
    static String await(CompletableFuture<String> f, AppSpec spec) {
        Duration limit = (spec.ready() == null ? spec.restart().minUptime() : spec.ready().timeout()).plusSeconds(30);
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "no outcome within " + Units.duration(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    // ---- preflight ----------------------------------------------------------------------------

    /** See Supervisor.preflight: one trial process on a free private port, stopped afterwards. */
    String preflight(SupervisedApp a, AppSpec spec, IntFunction<String> check) {
        int port;
        try {
            port = PortCheck.freePort();
        } catch (IOException e) {
            return "no free port for the preflight: " + e.getMessage();
        }
        Instance trial = new Instance(0, true);
        trial.port = port;
        LogFiles logs = LogFiles.preflight(spec);
        try {
            Files.deleteIfExists(logs.out());
        } catch (IOException e) {
            // appended to instead
        }
        String failure = await(spawnInto(a, trial, spec, false), spec);
        try {
            if (failure == null && check != null) failure = check.apply(port);
        } finally {
            stopper.stop(a, trial, "preflight over");
        }
        records.event(a.name, null, "preflight", failure == null ? "passed on port " + port : "failed on port " + port + ": " + failure);
        return failure == null ? null : failure + " (output: " + logs.out() + ")";
    }

    // ---- adopting what an earlier daemon left ------------------------------------------------

    void adopt(SupervisedApp a, Instance inst, long pid, long startTicks, Long startedAtMillis) {
        long gen;
        synchronized (a) {
            gen = ++inst.generation;
            inst.pid = pid;
            inst.measuredPid = null;
            inst.startTicks = startTicks;
            inst.startedAt = startedAtMillis == null ? tree.startedAt(startTicks).orElse(clock.instant()) : Instant.ofEpochMilli(startedAtMillis);
            inst.adopted = true;
            inst.launch = adoptedLaunch(a.spec, pid, inst.envDigest);
            inst.move(Transition.ADOPT);
        }
        records.persist(a.name, inst);
        records.event(a.name, inst.index, "adopted", "adopted pid " + pid + " after a daemon restart");
        // Not our child: the JDK polls for its end.
        String container = a.spec.container() == null ? null : tree.environmentVariable(pid, Containers.NAME_VARIABLE);
        synchronized (a) {
            inst.containerName = container;
        }
        if (container != null) tasks.execute(() -> measureContainer(a, inst, gen, containers.engineFor(a.spec.container()), container));
        Runnable ended = () -> {
            if (container != null) containers.remove(containers.engineFor(a.spec.container()), container);
            watcher.onExit(a, inst, gen, null);
        };
        ProcessHandle.of(pid).ifPresentOrElse(h -> h.onExit().thenRun(ended), ended);
    }

    /**
     * A daemon killed between spawning an instance and saving its pid leaves a process the state
     * database does not know. Find such processes by the marks every instance carries in its
     * environment, so a slot is never started twice.
     */
    int adoptUnrecorded(SupervisedApp a, AppSpec spec) {
        String home = baseEnv.get("BERTH_HOME");
        if (home == null) return 0;
        int adopted = 0;
        for (int i = 0; i < spec.instances(); i++) {
            Instance inst;
            synchronized (a) {
                inst = a.instance(i);
                if (inst.state().isUp()) continue;
            }
            List<Long> found = tree.groupLeadersWithEnvironment(Map.of("BERTH_HOME", home, "BERTH_APP", a.name, "BERTH_INSTANCE", String.valueOf(i)));
            for (long pid : found) {
                Long ticks = tree.startTicks(pid).orElse(null);
                if (ticks == null) continue;
                adopt(a, inst, pid, ticks, null);
                records.event(a.name, i, "adopted", "found pid " + pid + " by its environment marks (its start was never recorded)");
                adopted++;
                break;
            }
        }
        return adopted;
    }

    /**
     * What an adopted process was started from, as far as can be seen: the directory it runs in
     * (/proc/PID/cwd), the env digest its slot recorded, and the registered spec's command; null
     * (it is restarted when a deploy goes back) when its directory cannot be read.
     */
    private String adoptedLaunch(AppSpec spec, long pid, Map<String, String> envDigest) {
        try {
            return tree.workingDirectory(pid).map(dir -> launchKey(dir, spec.command().argv(), envDigest)).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * A container whose engine client died while no daemon watched it (the client killed with the
     * daemon, a reboot of the engine) belongs to no instance: removed, so it neither holds the
     * port nor runs twice. The containers of the instances just adopted, and of the strays, are kept.
     */
    void removeOrphanedContainers(SupervisedApp a, AppSpec spec, List<Stray> strays) {
        if (spec.container() == null) return;
        java.util.Set<String> kept = new java.util.HashSet<>();
        for (Stray s : strays) { // stopped after the front door's drain, their containers with them
            String name = tree.environmentVariable(s.pid(), Containers.NAME_VARIABLE);
            if (name != null) kept.add(name);
        }
        synchronized (a) {
            for (Instance inst : a.instances) {
                if (inst.state().isUp() && inst.pid != null) {
                    String name = tree.environmentVariable(inst.pid, Containers.NAME_VARIABLE);
                    if (name != null) kept.add(name);
                }
            }
        }
        dev.berth.container.Engine engine = containers.engineFor(spec.container());
        for (String name : containers.containersOf(engine, a.name)) {
            if (kept.contains(name)) continue;
            containers.remove(engine, name);
            records.event(a.name, null, "container", "removed container " + name + ", left without its engine client while the daemon was down");
        }
    }

    /** A daemon killed during a deploy's preflight leaves its process: it belongs to no slot, so it goes. */
    void stopOrphanedPreflights(SupervisedApp a) {
        String home = baseEnv.get("BERTH_HOME");
        if (home == null) return;
        for (long pid : tree.groupLeadersWithEnvironment(Map.of("BERTH_HOME", home, "BERTH_APP", a.name, "BERTH_INSTANCE", PREFLIGHT))) {
            Long ticks = tree.startTicks(pid).orElse(null);
            if (ticks == null) continue;
            tree.signalTree(pid, ticks, "KILL");
            records.event(a.name, null, "preflight", "stopped pid " + pid + ", a preflight left by the previous daemon");
        }
    }

    /**
     * A daemon killed while an instance was being replaced beside its old process (blue-green, or
     * an app without a port) leaves two processes with the slot's marks: the one the slot does not
     * record goes.
     */
    /** A process the slot does not record, left by an unfinished replacement. */
    record Stray(SupervisedApp app, int index, long pid, long ticks, java.time.Duration killTimeout) { }

    /** The strays of an app's slots (see {@link #stop(Stray)}), found before anything is stopped. */
    List<Stray> strays(SupervisedApp a, AppSpec spec) {
        List<Stray> out = new ArrayList<>();
        String home = baseEnv.get("BERTH_HOME");
        if (home == null) return out;
        for (int i = 0; i < spec.instances(); i++) {
            Long kept;
            synchronized (a) {
                Instance inst = a.instance(i);
                if (!inst.state().isUp()) continue;
                kept = inst.pid;
            }
            for (long pid : tree.groupLeadersWithEnvironment(Map.of("BERTH_HOME", home, "BERTH_APP", a.name, "BERTH_INSTANCE", String.valueOf(i)))) {
                Long ticks = tree.startTicks(pid).orElse(null);
                // a process of the kept instance's own tree (one that made a session of its own) is not a stray
                if (ticks == null || Long.valueOf(pid).equals(kept) || (kept != null && tree.descendants(kept).contains(pid))) continue;
                out.add(new Stray(a, i, pid, ticks, spec.killTimeout()));
            }
        }
        return out;
    }

    void stop(Stray s) {
        String container = s.app().spec.container() == null ? null : tree.environmentVariable(s.pid(), Containers.NAME_VARIABLE);
        tree.signalTree(s.pid(), s.ticks(), "TERM");
        if (!tree.waitAllGone(s.pid(), s.ticks(), s.killTimeout())) tree.signalTree(s.pid(), s.ticks(), "KILL");
        if (container != null) containers.remove(containers.engineFor(s.app().spec.container()), container);
        records.event(s.app().name, s.index(), "stray", "stopped pid " + s.pid() + ", the other half of a replacement the previous daemon did not finish");
    }
}
