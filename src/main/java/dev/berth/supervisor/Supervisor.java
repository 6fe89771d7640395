package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.container.Containers;
import dev.berth.fault.CrashPoints;
import dev.berth.json.Json;
import dev.berth.store.StateStore;
import dev.berth.store.StoredInstance;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Keeps apps' instances alive: spawns them in their own session, restarts them by policy,
 * stops whole process trees, restarts on memory and cron, and records every change in the
 * state store so that a new daemon can adopt what is running.
 *
 * <p>This is the supervisor's one entry point; the work is done by its parts: {@link AppRegistry}
 * (apps, instances, status), {@link Spawner} (launch, preflight, adoption), {@link Watcher}
 * (readiness, exits and the restart policy, memory and cron), {@link Stopper}, and
 * {@link SupervisionRecords} (the state store). An instance changes state only by the named
 * edges of {@link Transition}.
 *
 * <p>Locking: each app has an operation lock held for a whole start/stop/restart/reload (so
 * those never interleave) and its monitor for short state changes. Waits for processes
 * happen outside the monitor.
 */
public final class Supervisor implements AutoCloseable {
    private final ProcessTree tree;
    private final PortPlan ports = new PortPlan(this::recordedPorts);
    private final Clock clock;
    private final AppRegistry registry;
    private final SupervisionRecords records;
    private final Stopper stopper;
    private final Watcher watcher;
    private final Spawner spawner;
    private final BlueGreen blueGreen;
    /** Found by recover, stopped by {@link #stopStrays} once the front door sends to the slots (it may still send to a stray). */
    private final List<Spawner.Stray> strays = new ArrayList<>();
    private volatile TrafficSwitch traffic = TrafficSwitch.NONE;
    private final Thread watching;
    private final ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();

    public Supervisor(StateStore store, ProcessTree tree, LogRelay logRelay, Clock clock, Map<String, String> baseEnv) {
        this(store, tree, logRelay, clock, System::nanoTime, baseEnv);
    }

    /** As above, with the monotonic time the waits (min_uptime, restart delays) are measured in: tests move it. */
    Supervisor(StateStore store, ProcessTree tree, LogRelay logRelay, Clock clock, LongSupplier nanoTime, Map<String, String> baseEnv) {
        this.tree = tree;
        this.clock = clock;
        this.registry = new AppRegistry(clock);
        this.records = new SupervisionRecords(store, registry::has);
        this.stopper = new Stopper(tree, records, tasks);
        Containers containers = new Containers(baseEnv, System.getenv());
        this.watcher = new Watcher(registry, tree, records, stopper, this::spawn, clock, nanoTime, tasks, containers);
        this.spawner = new Spawner(tree, logRelay, ports, clock, Map.copyOf(baseEnv), records, stopper, watcher, tasks, containers);
        this.blueGreen = new BlueGreen(spawner, stopper, records);
        watcher.frontDoorParts((a, inst, spec, why) -> blueGreen.replace(a, inst, spec, traffic, why, BlueGreen.healthCheck(spec)),
                a -> BlueGreen.announce(a, traffic));
        this.watching = Thread.ofPlatform().daemon().name("berth-watch").start(watcher::watchLoop);
    }

    /**
     * Puts a front door in front of the apps a site routes to: their instances get private ports
     * from {@code range}, and replacing one switches their traffic through {@code traffic}.
     */
    public void frontedBy(TrafficSwitch traffic, dev.berth.config.ProxySpec.PortRange range) {
        this.traffic = traffic;
        ports.use(range);
    }

    /** The ports the app's slots have now, for the front door (an app it does not know has none). */
    public List<Integer> servingPorts(String app) {
        return registry.has(app) ? BlueGreen.servingPorts(app(app)) : List.of();
    }

    private java.util.Set<Integer> recordedPorts() {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        for (SupervisedApp a : registry.all()) {
            synchronized (a) {
                for (Instance i : a.instances) if (i.port != null) out.add(i.port);
            }
        }
        return out;
    }

    /** The environment every app starts from: only what a login shell would set, so the daemon's own env never leaks in. */
    public static Map<String, String> loginEnvironment(Map<String, String> daemonEnv) {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : daemonEnv.entrySet()) {
            String k = e.getKey();
            if (k.equals("PATH") || k.equals("HOME") || k.equals("USER") || k.equals("LOGNAME") || k.equals("SHELL")
                    || k.equals("LANG") || k.startsWith("LC_") || k.equals("TZ") || k.equals("TMPDIR")) {
                out.put(k, e.getValue());
            }
        }
        out.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        return out;
    }

    private CompletableFuture<String> spawn(SupervisedApp a, Instance inst, AppSpec spec) {
        return spawner.spawn(a, inst, spec);
    }

    private SupervisedApp register(AppSpec spec, SpecSource source) {
        return registry.register(spec, n -> new SupervisedApp(n, source, spec, clock, records));
    }

    private SupervisedApp app(String name) {
        return registry.get(name);
    }

    /** The container engines, as the instances use them. */
    public Containers containers() {
        return spawner.containers();
    }

    public List<String> appNames() {
        return registry.names();
    }

    public boolean has(String name) {
        return registry.has(name);
    }

    /** Sets what the user wants of the app and records it. */
    private void want(SupervisedApp a, DesiredState desired) {
        synchronized (a) {
            a.desired = desired;
        }
        records.persistDesired(a);
    }

    // ---- operations ---------------------------------------------------------------------

    /** Registers (or refreshes) an app and makes it run. Returns once each instance is ready or has failed. */
    public Outcome start(AppSpec spec, SpecSource source) {
        SupervisedApp a = register(spec, source);
        a.operation.lock();
        try {
            AppSpec running;
            List<Instance> down = new ArrayList<>();
            List<Map<String, String>> upEnv = new ArrayList<>();
            int up;
            synchronized (a) {
                running = a.spec;
                a.desired = DesiredState.RUNNING;
                for (int i = 0; i < spec.instances(); i++) {
                    Instance inst = a.instance(i);
                    if (!inst.state().isUp() && inst.state() != InstanceState.BACKOFF) down.add(inst);
                }
                for (Instance inst : a.instances) if (inst.state().isUp() || inst.state() == InstanceState.BACKOFF) upEnv.add(inst.envDigest);
                up = upEnv.size();
                // Instances that run keep their config: a.spec stays theirs until something starts on the new one.
                if (!down.isEmpty()) {
                    a.spec = spec;
                    a.scheduleCron();
                }
            }
            List<String> changes = up == 0 ? List.of() : SpecChanges.between(running, upEnv, spec);
            String apply = "; `berth reload " + spec.name() + "` applies it";
            if (down.isEmpty()) {
                return Outcome.ok(spec.name(), "already running (" + up + (up == 1 ? " instance)" : " instances)")
                        + (changes.isEmpty() ? "" : "; berth.yml now says " + String.join(", ", changes) + apply));
            }
            List<CompletableFuture<String>> waits = new ArrayList<>();
            List<Integer> started = new ArrayList<>();
            for (Instance inst : down) {
                synchronized (a) {
                    inst.unstableExits = 0;
                }
                waits.add(spawn(a, inst, spec));
                started.add(inst.index);
            }
            Outcome o = announced(a, spec, collect(spec.name(), started, waits, spec, "started"));
            List<String> notApplied = changes.stream().filter(c -> !c.startsWith("instances:")).toList();
            if (notApplied.isEmpty()) return o;
            return new Outcome(o.app(), o.ok(), o.message() + "; the " + up + " already running keep the previous config ("
                    + String.join(", ", notApplied) + ")" + apply, o.details());
        } finally {
            a.operation.unlock();
        }
    }

    public Outcome stop(String name) {
        SupervisedApp a = app(name);
        a.operation.lock();
        try {
            want(a, DesiredState.STOPPED);
            CrashPoints.reach("stop.desired");
            stopper.stopAll(a, "stopped by request");
            return Outcome.ok(name, "stopped");
        } finally {
            a.operation.unlock();
        }
    }

    /** Stops every instance, then starts them again with today's berth.yml and env_file. */
    public Outcome restart(String name) {
        SupervisedApp a = app(name);
        a.operation.lock();
        try {
            AppSpec old;
            synchronized (a) {
                old = a.spec;
            }
            AppSpec spec = a.freshSpec();
            if (spec.fronted()) return replaceAll(a, old, spec, false, "restart", "restarted"); // never a moment without an instance
            want(a, DesiredState.RUNNING);
            stopper.stopAll(a, "restart");
            CrashPoints.reach("restart.stopped");
            stopper.dropExtraInstances(a, spec.instances());
            List<CompletableFuture<String>> waits = new ArrayList<>();
            List<Integer> started = new ArrayList<>();
            for (int i = 0; i < spec.instances(); i++) {
                Instance inst;
                synchronized (a) {
                    inst = a.instance(i);
                    inst.unstableExits = 0;
                    inst.restarts++;
                }
                waits.add(spawn(a, inst, spec));
                started.add(i);
            }
            return announced(a, spec, collect(name, started, waits, spec, "restarted"));
        } finally {
            a.operation.unlock();
        }
    }

    /**
     * Rolling reload: one instance at a time, the next only after the new one is ready. When a
     * new instance does not become ready, the reload stops there: that slot goes back to the old
     * config, the slots not yet replaced were never touched, and the outcome says so.
     */
    public Outcome reload(String name) {
        return reload(name, false);
    }

    /**
     * As reload(name); with onlyChanged, an instance that is running and was started from exactly
     * what today's spec would start (same directory, command and env) is left alone. That is how
     * a deploy goes back: only the instances that run the release being left are restarted.
     */
    public Outcome reload(String name, boolean onlyChanged) {
        SupervisedApp a = app(name);
        a.operation.lock();
        try {
            AppSpec old;
            synchronized (a) {
                old = a.spec; // before freshSpec, which makes today's berth.yml the app's spec
            }
            AppSpec spec = a.freshSpec();
            if (spec.fronted()) return replaceAll(a, old, spec, onlyChanged, "reload", "reloaded");
            want(a, DesiredState.RUNNING);
            int replaced = 0;
            int kept = 0;
            String target = Spawner.launchOf(spec, EnvDigest.of(spec.env()));
            for (int i = 0; i < spec.instances(); i++) {
                Instance inst;
                boolean same;
                synchronized (a) {
                    inst = a.instance(i);
                    same = onlyChanged && inst.state() == InstanceState.RUNNING && target.equals(inst.launch);
                }
                if (same) {
                    kept++;
                    continue;
                }
                CompletableFuture<String> ready;
                if (inst.state().isUp() && spec.port() != null) {
                    // The slot's port is held by the old process: it must go first.
                    stopper.stop(a, inst, "reload");
                    synchronized (a) {
                        inst.restarts++;
                        inst.unstableExits = 0;
                    }
                    ready = spawn(a, inst, spec);
                } else if (inst.state().isUp()) {
                    // No port to share: start the new process beside the old one, then stop the old one.
                    ready = replaceBeside(a, inst, spec);
                } else {
                    synchronized (a) {
                        inst.unstableExits = 0;
                    }
                    ready = spawn(a, inst, spec);
                }
                String failure = Spawner.await(ready, spec);
                if (failure != null) {
                    int notReplaced = Math.max(0, old.instances() - i - 1);
                    stopper.stop(a, inst, "reload failed");
                    if (i < old.instances()) {
                        synchronized (a) {
                            inst.unstableExits = 0;
                        }
                        String back = Spawner.await(spawn(a, inst, old), old);
                        records.event(name, i, "reload", "instance " + i + " brought back on the previous config"
                                + (back == null ? "" : " but it failed too: " + back));
                    }
                    synchronized (a) {
                        a.spec = old;
                        a.scheduleCron();
                    }
                    String msg = "reload stopped at instance " + i + ": " + failure + "; " + replaced
                            + " instance(s) reloaded, " + notReplaced + " not replaced and still running the previous version";
                    records.event(name, i, "reload", msg);
                    return Outcome.failed(name, msg, List.of());
                }
                replaced++;
            }
            stopper.dropExtraInstances(a, spec.instances());
            return Outcome.ok(name, "reloaded " + replaced + " instance(s)" + (kept > 0 ? ", " + kept + " already on it" : ""));
        } finally {
            a.operation.unlock();
        }
    }

    /**
     * Reload and restart of an app behind the front door: each instance in turn is replaced
     * blue-green (see {@link BlueGreen}); a slot with no process is started in place. The first
     * instance that does not get ready ends it: it and every instance after it keep the old one.
     */
    private Outcome replaceAll(SupervisedApp a, AppSpec old, AppSpec spec, boolean onlyChanged, String why, String verb) {
        want(a, DesiredState.RUNNING);
        int replaced = 0;
        int kept = 0;
        String target = Spawner.launchOf(spec, EnvDigest.of(spec.env()));
        java.util.function.IntFunction<String> health = BlueGreen.healthCheck(spec);
        for (int i = 0; i < spec.instances(); i++) {
            Instance inst;
            boolean same;
            boolean up;
            synchronized (a) {
                inst = a.instance(i);
                same = onlyChanged && inst.state() == InstanceState.RUNNING && target.equals(inst.launch);
                up = inst.state().isUp();
            }
            if (same) {
                kept++;
                continue;
            }
            String failure;
            if (up) {
                failure = blueGreen.replace(a, inst, spec, traffic, why, health);
            } else {
                synchronized (a) {
                    inst.unstableExits = 0;
                }
                failure = Spawner.await(spawn(a, inst, spec), spec);
                if (failure == null) failure = BlueGreen.announce(a, traffic);
            }
            if (failure != null) {
                synchronized (a) {
                    if (replaced == 0 && kept == 0) a.spec = old; // nothing runs the new config
                    a.scheduleCron();
                }
                String msg = why + " stopped at instance " + i + ": " + failure + "; " + replaced + " instance(s) " + verb + ", "
                        + Math.max(0, old.instances() - i) + " not replaced and still running the previous version";
                records.event(a.name, i, why, msg);
                return Outcome.failed(a.name, msg, List.of());
            }
            replaced++;
        }
        if (spec.instances() < a.instances.size()) {
            // the instances scaled away first leave the front door, then drain, then go
            try {
                traffic.route(a.name, BlueGreen.servingPorts(a, spec.instances())).await();
            } catch (TrafficSwitch.SwitchFailure e) {
                return Outcome.failed(a.name, verb + " " + replaced + " instance(s); the front door was not updated for the scale-down: "
                        + e.getMessage(), List.of());
            }
            stopper.dropExtraInstances(a, spec.instances());
        }
        return Outcome.ok(a.name, verb + " " + replaced + " instance(s)" + (kept > 0 ? ", " + kept + " already on it" : "")
                + ", each switched over by the front door");
    }

    /** After instances started in place: the front door learns their ports. */
    private Outcome announced(SupervisedApp a, AppSpec spec, Outcome o) {
        if (!spec.fronted()) return o;
        String problem = BlueGreen.announce(a, traffic);
        return problem == null ? o : new Outcome(o.app(), false, o.message() + "; " + problem, o.details());
    }

    /** For apps without a port: the new process starts next to the old one, which is stopped once the new one is ready. */
    private CompletableFuture<String> replaceBeside(SupervisedApp a, Instance inst, AppSpec spec) {
        Instance shadow = new Instance(inst.index);
        shadow.envDigest = inst.envDigest;
        shadow.restarts = inst.restarts + 1;
        String failure = Spawner.await(spawner.spawnInto(a, shadow, spec, false), spec);
        if (failure != null) {
            stopper.stop(a, shadow, "reload failed");
            return CompletableFuture.completedFuture(failure);
        }
        stopper.stop(a, inst, "reload");
        synchronized (a) {
            a.instances.set(inst.index, shadow);
        }
        records.persist(a.name, shadow);
        return CompletableFuture.completedFuture(null);
    }

    public void delete(String name) {
        SupervisedApp a = app(name);
        a.operation.lock();
        try {
            want(a, DesiredState.STOPPED); // recorded first: a daemon killed during the stop must not bring it back
            stopper.stopAll(a, "deleted");
            registry.remove(name);
            records.deleteApp(name);
        } finally {
            a.operation.unlock();
        }
    }

    /**
     * Takes over an app after a daemon restart: instances whose PID is alive with the same start
     * time are adopted as they are; the others are started when the app should be running.
     */
    public Outcome recover(AppSpec spec, SpecSource source, String storedDesired, List<StoredInstance> saved) {
        DesiredState desired = DesiredState.of(storedDesired);
        SupervisedApp a = register(spec, source);
        a.operation.lock();
        try {
            synchronized (a) {
                a.desired = desired;
            }
            List<Integer> started = new ArrayList<>();
            int adopted = 0;
            for (StoredInstance s : saved) {
                Instance inst;
                synchronized (a) {
                    inst = a.instance(s.index());
                    inst.restarts = s.restarts();
                    inst.reason = s.reason();
                    inst.envChanges = s.envChanges();
                    inst.envDigest = Json.readStringMap(s.envDigestJson());
                    inst.port = s.port();
                }
                if (s.pid() != null && s.startTicks() != null && tree.isAlive(s.pid(), s.startTicks())) {
                    spawner.adopt(a, inst, s.pid(), s.startTicks(), s.startedAt());
                    adopted++;
                } else if (s.pid() != null && desired == DesiredState.RUNNING) {
                    records.event(a.name, s.index(), "exited", "pid " + s.pid() + " exited while the daemon was down");
                }
            }
            adopted += spawner.adoptUnrecorded(a, spec);
            spawner.stopOrphanedPreflights(a);
            List<Spawner.Stray> found = spawner.strays(a, spec);
            spawner.removeOrphanedContainers(a, spec, found);
            synchronized (strays) {
                strays.addAll(found);
            }
            if (desired == DesiredState.RUNNING) {
                for (int i = 0; i < spec.instances(); i++) {
                    Instance inst;
                    synchronized (a) {
                        inst = a.instance(i);
                        if (inst.state().isUp()) continue;
                    }
                    spawn(a, inst, spec);
                    started.add(i);
                }
            } else {
                synchronized (a) {
                    for (Instance inst : a.instances) {
                        if (!inst.state().isUp()) {
                            inst.move(Transition.STOP_IDLE);
                            records.persist(a.name, inst);
                        }
                    }
                }
            }
            if (started.isEmpty()) return Outcome.ok(spec.name(), adopted + " instance(s) adopted");
            // Do not hold the daemon's start-up for readiness: the outcome is recorded as events.
            return Outcome.ok(spec.name(), adopted + " adopted, " + started.size() + " starting");
        } finally {
            a.operation.unlock();
        }
    }

    /**
     * Stops what recover found left of unfinished replacements. The daemon calls it after the
     * front door was rendered from the slots: until then nginx may still send to a stray. A stray
     * of an app behind the front door waits the drain first.
     */
    public void stopStrays(java.time.Duration drain) {
        List<Spawner.Stray> now;
        synchronized (strays) {
            now = List.copyOf(strays);
            strays.clear();
        }
        if (now.isEmpty()) return;
        if (now.stream().anyMatch(s -> s.app().spec.fronted())) {
            try {
                Thread.sleep(Math.min(drain.toMillis(), 30_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Spawner.Stray s : now) spawner.stop(s);
    }

    /**
     * Tries a spec before any instance runs it: one process beside the app, on a free private
     * port, until it is ready (and passes check, given the port, which returns a problem or
     * null); then it is stopped. Nothing of the app changes. Returns null when it passed, or
     * why not. The process writes to the app's preflight log.
     */
    public String preflight(AppSpec spec, IntFunction<String> check) {
        return spawner.preflight(app(spec.name()), spec, check);
    }

    private Outcome collect(String app, List<Integer> indexes, List<CompletableFuture<String>> waits, AppSpec spec, String verb) {
        List<String> failures = new ArrayList<>();
        for (int k = 0; k < waits.size(); k++) {
            String failure = Spawner.await(waits.get(k), spec);
            if (failure != null) failures.add("instance " + indexes.get(k) + ": " + failure);
        }
        if (failures.isEmpty()) return Outcome.ok(app, verb + " " + waits.size() + " instance(s)");
        return Outcome.failed(app, failures.size() + " of " + waits.size() + " instance(s) failed to start", failures);
    }

    // ---- reading ------------------------------------------------------------------------

    public List<AppStatus> status() {
        List<AppStatus> out = new ArrayList<>();
        for (SupervisedApp a : registry.all()) out.add(registry.status(a));
        return out;
    }

    public AppStatus status(String name) {
        return registry.status(app(name));
    }

    /** Log files of an app (every instance slot the spec declares), for `logs` and `flush`. */
    public List<LogFiles> logFiles(String name) {
        return registry.logFiles(name);
    }

    /** Stops watching. Apps keep running: they outlive the daemon. */
    @Override public void close() {
        watcher.close();
        watching.interrupt();
        tasks.shutdownNow();
    }
}
