package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.config.ConfigException;
import dev.berth.config.CronExpressions;
import dev.berth.fault.CrashPoints;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import dev.berth.store.StateStore;
import dev.berth.store.StoredInstance;
import dev.berth.text.Units;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps apps' instances alive: spawns them in their own session, restarts them by policy,
 * stops whole process trees, restarts on memory and cron, and records every change in the
 * state store so that a new daemon can adopt what is running.
 *
 * Locking: each app has an operation lock held for a whole start/stop/restart/reload (so
 * those never interleave) and its monitor for short state changes. Waits for processes
 * happen outside the monitor.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Supervisor.class.getName());
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
    /** BERTH_INSTANCE of a preflight process. */
    private static final String PREFLIGHT = "preflight";

    private final StateStore store;
    private final ProcessTree tree;
    private final TreeSampler sampler;
    private final LogRelay logRelay;
    private final PortPlan ports = new PortPlan();
    private final ReadinessProbe probe = new ReadinessProbe();
    private final Clock clock;
    private final Map<String, String> baseEnv;
    private final Map<String, SupervisedApp> apps = new LinkedHashMap<>();
    private final Thread watcher;
    private final ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closed;

    public Supervisor(StateStore store, ProcessTree tree, LogRelay logRelay, Clock clock, Map<String, String> baseEnv) {
        this.store = store;
        this.logRelay = logRelay;
        this.tree = tree;
        this.sampler = new TreeSampler(tree);
        this.clock = clock;
        this.baseEnv = Map.copyOf(baseEnv);
        this.watcher = Thread.ofPlatform().daemon().name("berth-watch").start(this::watchLoop);
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

    // ---- one app ------------------------------------------------------------------------

    private final class SupervisedApp {
        final String name;
        final SpecSource source;
        final ReentrantLock operation = new ReentrantLock(true);
        AppSpec spec;
        String desired = "stopped";
        final List<Instance> instances = new ArrayList<>();
        ZonedDateTime nextCron;

        SupervisedApp(String name, SpecSource source, AppSpec spec) {
            this.name = name;
            this.source = source;
            this.spec = spec;
            scheduleCron();
        }

        void scheduleCron() {
            nextCron = spec.cronRestart() == null ? null
                    : CronExpressions.nextAfter(spec.cronRestart(), ZonedDateTime.now(clock));
        }

        /** Today's spec, or the last good one (and a recorded warning) when berth.yml is broken now. */
        AppSpec freshSpec() {
            try {
                AppSpec fresh = source.load(name);
                synchronized (this) {
                    spec = fresh;
                    scheduleCron();
                }
                return fresh;
            } catch (ConfigException e) {
                event(name, null, "config", "berth.yml is invalid, using the last good config: " + e.problems().get(0));
                return spec;
            } catch (RuntimeException e) {
                event(name, null, "config", "cannot read berth.yml, using the last good config: " + e.getMessage());
                return spec;
            }
        }

        Instance instance(int index) {
            while (instances.size() <= index) instances.add(new Instance(instances.size()));
            return instances.get(index);
        }
    }

    private SupervisedApp app(String name) {
        synchronized (apps) {
            SupervisedApp a = apps.get(name);
            if (a == null) throw new SupervisorException("NOT_FOUND", "no app named \"" + name + "\" is registered; `berth status` lists them");
            return a;
        }
    }

    public List<String> appNames() {
        synchronized (apps) {
            return List.copyOf(apps.keySet());
        }
    }

    public boolean has(String name) {
        synchronized (apps) {
            return apps.containsKey(name);
        }
    }

    // ---- operations ---------------------------------------------------------------------

    /** Registers (or refreshes) an app and makes it run. Returns once each instance is ready or has failed. */
    public Outcome start(AppSpec spec, SpecSource source) {
        SupervisedApp a;
        synchronized (apps) {
            a = apps.computeIfAbsent(spec.name(), n -> new SupervisedApp(n, source, spec));
        }
        a.operation.lock();
        try {
            AppSpec running;
            List<Instance> down = new ArrayList<>();
            List<Map<String, String>> upEnv = new ArrayList<>();
            int up;
            synchronized (a) {
                running = a.spec;
                a.desired = "running";
                for (int i = 0; i < spec.instances(); i++) {
                    Instance inst = a.instance(i);
                    if (!inst.state.isUp() && inst.state != InstanceState.BACKOFF) down.add(inst);
                }
                for (Instance inst : a.instances) if (inst.state.isUp() || inst.state == InstanceState.BACKOFF) upEnv.add(inst.envDigest);
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
            Outcome o = collect(spec.name(), started, waits, spec, "started");
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
            synchronized (a) {
                a.desired = "stopped";
            }
            persistDesired(a);
            CrashPoints.reach("stop.desired");
            stopAll(a, "stopped by request");
            return Outcome.ok(name, "stopped");
        } finally {
            a.operation.unlock();
        }
    }

    /** Stops every instance of the app at once (each waits for its own tree). */
    private void stopAll(SupervisedApp a, String why) {
        List<Instance> all;
        synchronized (a) {
            all = List.copyOf(a.instances);
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Instance inst : all) stops.add(CompletableFuture.runAsync(() -> stopInstance(a, inst, why), tasks));
        stops.forEach(CompletableFuture::join);
    }

    /** Stops every instance, then starts them again with today's berth.yml and env_file. */
    public Outcome restart(String name) {
        SupervisedApp a = app(name);
        a.operation.lock();
        try {
            AppSpec spec = a.freshSpec();
            synchronized (a) {
                a.desired = "running";
            }
            persistDesired(a);
            stopAll(a, "restart");
            CrashPoints.reach("restart.stopped");
            dropExtraInstances(a, spec.instances());
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
            return collect(name, started, waits, spec, "restarted");
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
                old = a.spec;
            }
            AppSpec spec = a.freshSpec();
            synchronized (a) {
                a.desired = "running";
            }
            persistDesired(a);
            int replaced = 0;
            int kept = 0;
            String target = launchOf(spec, EnvDigest.of(spec.env()));
            for (int i = 0; i < spec.instances(); i++) {
                Instance inst;
                boolean same;
                synchronized (a) {
                    inst = a.instance(i);
                    same = onlyChanged && inst.state == InstanceState.RUNNING && target.equals(inst.launch);
                }
                if (same) {
                    kept++;
                    continue;
                }
                CompletableFuture<String> ready;
                if (inst.state.isUp() && ports.portFor(spec.port(), i) != null) {
                    // The slot's port is held by the old process: it must go first.
                    stopInstance(a, inst, "reload");
                    synchronized (a) {
                        inst.restarts++;
                        inst.unstableExits = 0;
                    }
                    ready = spawn(a, inst, spec);
                } else if (inst.state.isUp()) {
                    // No port to share: start the new process beside the old one, then stop the old one.
                    ready = replaceBeside(a, inst, spec);
                } else {
                    synchronized (a) {
                        inst.unstableExits = 0;
                    }
                    ready = spawn(a, inst, spec);
                }
                String failure = await(ready, spec);
                if (failure != null) {
                    int notReplaced = Math.max(0, old.instances() - i - 1);
                    stopInstance(a, inst, "reload failed");
                    if (i < old.instances()) {
                        synchronized (a) {
                            inst.unstableExits = 0;
                        }
                        String back = await(spawn(a, inst, old), old);
                        event(name, i, "reload", "instance " + i + " brought back on the previous config"
                                + (back == null ? "" : " but it failed too: " + back));
                    }
                    synchronized (a) {
                        a.spec = old;
                        a.scheduleCron();
                    }
                    String msg = "reload stopped at instance " + i + ": " + failure + "; " + replaced
                            + " instance(s) reloaded, " + notReplaced + " not replaced and still running the previous version";
                    event(name, i, "reload", msg);
                    return Outcome.failed(name, msg, List.of());
                }
                replaced++;
            }
            dropExtraInstances(a, spec.instances());
            return Outcome.ok(name, "reloaded " + replaced + " instance(s)" + (kept > 0 ? ", " + kept + " already on it" : ""));
        } finally {
            a.operation.unlock();
        }
    }

    /** For apps without a port: the new process starts next to the old one, which is stopped once the new one is ready. */
    private CompletableFuture<String> replaceBeside(SupervisedApp a, Instance inst, AppSpec spec) {
        Instance shadow = new Instance(inst.index);
        shadow.envDigest = inst.envDigest;
        shadow.restarts = inst.restarts + 1;
        String failure = await(spawnInto(a, shadow, spec, false), spec);
        if (failure != null) {
            stopInstance(a, shadow, "reload failed");
            return CompletableFuture.completedFuture(failure);
        }
        stopInstance(a, inst, "reload");
        synchronized (a) {
            a.instances.set(inst.index, shadow);
        }
        persist(a.name, shadow);
        return CompletableFuture.completedFuture(null);
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

    /**
     * Tries a spec before any instance runs it: one process beside the app, on a free private
     * port, until it is ready (and passes check, given the port, which returns a problem or
     * null); then it is stopped. Nothing of the app changes. Returns null when it passed, or
     * why not. The process writes to the app's preflight log.
     */
    public String preflight(AppSpec spec, IntFunction<String> check) {
        SupervisedApp a = app(spec.name());
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
            stopInstance(a, trial, "preflight over");
        }
        event(a.name, null, "preflight", failure == null ? "passed on port " + port : "failed on port " + port + ": " + failure);
        return failure == null ? null : failure + " (output: " + logs.out() + ")";
    }

    public void delete(String name) {
        SupervisedApp a = app(name);
        a.operation.lock();
        try {
            synchronized (a) {
                a.desired = "stopped";
            }
            stopAll(a, "deleted");
            synchronized (apps) {
                apps.remove(name);
            }
            try {
                store.deleteApp(name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot record the deletion of " + name + ": " + e.getMessage(), e);
            }
        } finally {
            a.operation.unlock();
        }
    }

    /**
     * Takes over an app after a daemon restart: instances whose PID is alive with the same start
     * time are adopted as they are; the others are started when the app should be running.
     */
    public Outcome recover(AppSpec spec, SpecSource source, String desired, List<StoredInstance> saved) {
        SupervisedApp a;
        synchronized (apps) {
            a = apps.computeIfAbsent(spec.name(), n -> new SupervisedApp(n, source, spec));
        }
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
                    adopt(a, inst, s.pid(), s.startTicks(), s.startedAt());
                    adopted++;
                } else if (s.pid() != null && "running".equals(desired)) {
                    event(a.name, s.index(), "exited", "pid " + s.pid() + " exited while the daemon was down");
                }
            }
            adopted += adoptUnrecorded(a, spec);
            stopOrphanedPreflights(a);
            if ("running".equals(desired)) {
                for (int i = 0; i < spec.instances(); i++) {
                    Instance inst;
                    synchronized (a) {
                        inst = a.instance(i);
                        if (inst.state.isUp()) continue;
                    }
                    spawn(a, inst, spec);
                    started.add(i);
                }
            } else {
                synchronized (a) {
                    for (Instance inst : a.instances) {
                        if (!inst.state.isUp()) {
                            inst.state = InstanceState.STOPPED;
                            persist(a.name, inst);
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

    private void adopt(SupervisedApp a, Instance inst, long pid, long startTicks, Long startedAtMillis) {
        long gen;
        synchronized (a) {
            gen = ++inst.generation;
            inst.pid = pid;
            inst.startTicks = startTicks;
            inst.startedAt = startedAtMillis == null ? bootRelative(startTicks) : Instant.ofEpochMilli(startedAtMillis);
            inst.adopted = true;
            inst.launch = adoptedLaunch(a.spec, pid, inst.envDigest);
            inst.state = InstanceState.RUNNING;
        }
        persist(a.name, inst);
        event(a.name, inst.index, "adopted", "adopted pid " + pid + " after a daemon restart");
        // Not our child: the JDK polls for its end.
        ProcessHandle.of(pid).ifPresentOrElse(
                h -> h.onExit().thenRun(() -> onExit(a, inst, gen, null)),
                () -> onExit(a, inst, gen, null));
    }

    /**
     * A daemon killed between spawning an instance and saving its pid leaves a process the state
     * database does not know. Find such processes by the marks every instance carries in its
     * environment, so a slot is never started twice.
     */
    private int adoptUnrecorded(SupervisedApp a, AppSpec spec) {
        String home = baseEnv.get("BERTH_HOME");
        if (home == null) return 0;
        int adopted = 0;
        for (int i = 0; i < spec.instances(); i++) {
            Instance inst;
            synchronized (a) {
                inst = a.instance(i);
                if (inst.state.isUp()) continue;
            }
            List<Long> found = tree.groupLeadersWithEnvironment(Map.of("BERTH_HOME", home, "BERTH_APP", a.name, "BERTH_INSTANCE", String.valueOf(i)));
            for (long pid : found) {
                Long ticks = tree.startTicks(pid).orElse(null);
                if (ticks == null) continue;
                adopt(a, inst, pid, ticks, null);
                event(a.name, i, "adopted", "found pid " + pid + " by its environment marks (its start was never recorded)");
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
    private static String adoptedLaunch(AppSpec spec, long pid, Map<String, String> envDigest) {
        try {
            Path dir = Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd"));
            return launchKey(dir, spec.command().argv(), envDigest);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A daemon killed during a deploy's preflight leaves its process: it belongs to no slot, so it goes. */
    private void stopOrphanedPreflights(SupervisedApp a) {
        String home = baseEnv.get("BERTH_HOME");
        if (home == null) return;
        for (long pid : tree.groupLeadersWithEnvironment(Map.of("BERTH_HOME", home, "BERTH_APP", a.name, "BERTH_INSTANCE", PREFLIGHT))) {
            Long ticks = tree.startTicks(pid).orElse(null);
            if (ticks == null) continue;
            tree.signalTree(pid, ticks, "KILL");
            event(a.name, null, "preflight", "stopped pid " + pid + ", a preflight left by the previous daemon");
        }
    }

    /** Wall-clock start of a process from its start ticks (after boot), for processes we never saw start. */
    private Instant bootRelative(long startTicks) {
        try {
            String stat = Files.readString(Path.of("/proc/stat"));
            for (String line : stat.split("\n")) {
                if (line.startsWith("btime ")) {
                    long boot = Long.parseLong(line.substring(6).trim());
                    return Instant.ofEpochMilli(boot * 1000 + startTicks * 1000 / tree.clockTicksPerSecond());
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return clock.instant();
    }

    // ---- spawning and exits -------------------------------------------------------------

    private CompletableFuture<String> spawn(SupervisedApp a, Instance inst, AppSpec spec) {
        return spawnInto(a, inst, spec, true);
    }

    /** Starts one process for the slot; the future completes with null when ready, or with why it failed. */
    private CompletableFuture<String> spawnInto(SupervisedApp a, Instance inst, AppSpec spec, boolean persistSlot) {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Integer port = inst.trial ? inst.port : ports.portFor(spec.port(), inst.index);
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        env.putAll(spec.env());
        if (port != null) env.put("PORT", String.valueOf(port));
        // The marks let a later daemon find this process even if it never learnt its pid (see recover).
        env.put("BERTH_APP", spec.name());
        env.put("BERTH_INSTANCE", inst.trial ? PREFLIGHT : String.valueOf(inst.index));
        LogFiles logs = inst.trial ? LogFiles.preflight(spec) : LogFiles.of(spec, inst.index);
        long gen;
        long logOffset;
        Process process;
        try {
            // 0600, made here: the redirects below and berth-logd would create them with the umask's mode
            PrivateFiles.file(logs.out());
            if (!logs.merged()) PrivateFiles.file(logs.err());
            logOffset = Files.size(logs.out());
            List<String> argv = new ArrayList<>();
            if (LogRelay.needed(spec.logs())) {
                argv.addAll(logRelay.wrap(spec.logs(), logs, spec.command().argv()));
            } else {
                argv.addAll(logRelay.inOwnSession(spec.command().argv()));
            }
            if (port != null) {
                // The app would only say so in its error log, after a failed start.
                String holder = PortCheck.inUse(port);
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
                inst.state = InstanceState.ERRORED;
                inst.reason = "cannot start: " + e.getMessage();
                inst.pid = null;
                inst.launch = null;
            }
            if (persistSlot) persist(a.name, inst);
            slotEvent(a, inst, "spawn_error", inst.reason);
            outcome.complete(inst.reason);
            return outcome;
        }
        long pid = process.pid();
        Map<String, String> digest = EnvDigest.of(spec.env());
        String launch = launchOf(spec, digest); // a path lookup: outside the app's lock
        synchronized (a) {
            gen = ++inst.generation;
            inst.pid = pid;
            inst.startTicks = tree.startTicks(pid).orElse(null);
            inst.startedAt = clock.instant();
            inst.adopted = false;
            inst.port = port;
            inst.state = InstanceState.STARTING;
            inst.lastExitCode = null;
            inst.rssBytes = 0;
            inst.cpuPercent = 0;
            String changes = EnvDigest.changes(inst.envDigest, digest);
            if (changes != null) inst.envChanges = changes;
            inst.envDigest = digest;
            inst.launch = launch;
            inst.outcome = outcome;
        }
        if (persistSlot) persist(a.name, inst);
        slotEvent(a, inst, "started", "pid " + pid + (port == null ? "" : " port " + port)
                + (inst.envChanges != null ? "; env changed since the previous start: " + inst.envChanges : ""));
        process.onExit().thenAccept(p -> onExit(a, inst, gen, p.exitValue()));
        tasks.execute(() -> awaitReady(a, inst, gen, spec, logs, logOffset, persistSlot));
        return outcome;
    }

    private void awaitReady(SupervisedApp a, Instance inst, long gen, AppSpec spec, LogFiles logs, long logOffset, boolean persistSlot) {
        boolean ready;
        String failure = null;
        if (spec.ready() == null) {
            // Without a readiness signal, an instance counts as running once it stayed up min_uptime.
            ready = sleepWhile(spec.restart().minUptime(), () -> isCurrent(a, inst, gen));
        } else {
            ReadinessProbe.Outcome o = probe.await(spec.ready(), inst.port, logs.out(), logOffset, () -> isCurrent(a, inst, gen));
            ready = o == ReadinessProbe.Outcome.READY;
            if (o == ReadinessProbe.Outcome.TIMED_OUT) failure = "not ready within " + Units.duration(spec.ready().timeout());
        }
        CompletableFuture<String> outcome;
        synchronized (a) {
            if (inst.generation != gen || inst.state != InstanceState.STARTING) return;
            outcome = inst.outcome;
            if (ready) {
                inst.state = InstanceState.RUNNING; // the reason of the last restart stays: describe shows it
            } else if (failure != null) {
                inst.reason = failure;
            }
        }
        if (ready) {
            if (persistSlot) persist(a.name, inst);
            outcome.complete(null);
        } else if (failure != null) {
            slotEvent(a, inst, "not_ready", failure);
            outcome.complete(failure);
            // Never ready counts as a failed start: the process is stopped and the restart policy decides.
            stopProcessTree(inst.pid, inst.startTicks, spec);
        }
    }

    private boolean isCurrent(SupervisedApp a, Instance inst, long gen) {
        synchronized (a) {
            return inst.generation == gen && inst.state == InstanceState.STARTING;
        }
    }

    private void onExit(SupervisedApp a, Instance inst, long gen, Integer exitCode) {
        AppSpec spec;
        Duration delay = null;
        String message;
        CompletableFuture<String> outcome;
        synchronized (a) {
            if (inst.generation != gen) return;
            spec = a.spec;
            outcome = inst.outcome;
            inst.lastExitCode = exitCode;
            long lived = inst.startedAt == null ? 0 : Duration.between(inst.startedAt, clock.instant()).toMillis();
            String how = (exitCode == null ? "exited" : exitCode > 128 ? "killed by signal " + (exitCode - 128) : "exited with code " + exitCode)
                    + " after " + Units.duration(Duration.ofMillis(lived));
            inst.pid = null;
            inst.rssBytes = 0;
            inst.cpuPercent = 0;
            if (inst.trial) {
                // A preflight that exits has failed it; the preflight's caller decides what follows.
                inst.state = InstanceState.STOPPED;
                if (outcome != null && !outcome.isDone()) outcome.complete(how + " before it was ready");
                return;
            }
            if (inst.state == InstanceState.STOPPING || inst.state == InstanceState.STOPPED) {
                inst.state = InstanceState.STOPPED;
                message = how + " (stopped)";
            } else if (!"running".equals(a.desired)) {
                inst.state = InstanceState.STOPPED;
                message = how;
            } else {
                // An exit before the instance ever became ready is a failed start, however long it took.
                boolean unstable = inst.state == InstanceState.STARTING || lived < spec.restart().minUptime().toMillis();
                inst.unstableExits = unstable ? inst.unstableExits + 1 : 0;
                if (inst.reason == null || !inst.reason.startsWith("not ready")) inst.reason = how;
                if (!spec.restart().autorestart()) {
                    inst.state = InstanceState.STOPPED;
                    inst.reason = how + "; autorestart is off";
                } else if (unstable && inst.unstableExits >= Math.max(1, spec.restart().maxRestarts())) {
                    inst.state = InstanceState.ERRORED;
                    inst.reason = "exited " + inst.unstableExits + " times in a row before min_uptime ("
                            + Units.duration(spec.restart().minUptime()) + "); last: " + how
                            + "; see `berth logs " + a.name + " --err`";
                } else {
                    inst.state = InstanceState.BACKOFF;
                    delay = backoffDelay(spec.restart(), inst.unstableExits);
                }
                message = inst.reason + (delay != null ? "; restarting in " + Units.duration(delay) : "");
            }
        }
        persist(a.name, inst);
        event(a.name, inst.index, inst.state == InstanceState.ERRORED ? "errored" : "exited", message);
        if (outcome != null && !outcome.isDone()) outcome.complete(message);
        if (delay != null) {
            Duration wait = delay;
            tasks.execute(() -> restartAfterBackoff(a, inst, gen, wait));
        }
    }

    static Duration backoffDelay(AppSpec.RestartPolicy p, int unstableExits) {
        if (!p.backoff() || unstableExits <= 1) return p.restartDelay();
        long ms = p.restartDelay().toMillis() << Math.min(20, unstableExits - 1);
        return Duration.ofMillis(Math.min(ms, Math.max(p.maxDelay().toMillis(), p.restartDelay().toMillis())));
    }

    private void restartAfterBackoff(SupervisedApp a, Instance inst, long gen, Duration delay) {
        if (!sleepWhile(delay, () -> stillInBackoff(a, inst, gen))) return;
        a.operation.lock();
        try {
            if (!stillInBackoff(a, inst, gen)) return;
            AppSpec spec = a.freshSpec();
            synchronized (a) {
                inst.restarts++;
            }
            spawn(a, inst, spec);
        } finally {
            a.operation.unlock();
        }
    }

    private boolean stillInBackoff(SupervisedApp a, Instance inst, long gen) {
        synchronized (a) {
            return !closed && inst.generation == gen && inst.state == InstanceState.BACKOFF;
        }
    }

    /** Stop signal to the whole tree, SIGKILL after kill_timeout; returns when nothing of it is left. */
    private void stopInstance(SupervisedApp a, Instance inst, String why) {
        Long pid;
        Long ticks;
        AppSpec spec;
        synchronized (a) {
            spec = a.spec;
            if (!inst.state.isUp()) {
                // BACKOFF or ERRORED: a pending restart must not fire after this.
                inst.generation++;
                inst.state = InstanceState.STOPPED;
                persist(a.name, inst);
                return;
            }
            inst.state = InstanceState.STOPPING;
            pid = inst.pid;
            ticks = inst.startTicks;
        }
        persist(a.name, inst);
        slotEvent(a, inst, "stopping", why + (pid == null ? "" : ": pid " + pid));
        stopProcessTree(pid, ticks, spec);
        synchronized (a) {
            // The exit callback may not have run yet (adopted processes are polled).
            inst.generation++;
            inst.state = InstanceState.STOPPED;
            inst.pid = null;
            inst.rssBytes = 0;
            inst.cpuPercent = 0;
            if (inst.outcome != null && !inst.outcome.isDone()) inst.outcome.complete("stopped");
        }
        persist(a.name, inst);
    }

    private void stopProcessTree(Long pid, Long ticks, AppSpec spec) {
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

    private void dropExtraInstances(SupervisedApp a, int wanted) {
        List<Instance> extra;
        synchronized (a) {
            extra = a.instances.size() > wanted ? List.copyOf(a.instances.subList(wanted, a.instances.size())) : List.of();
        }
        for (Instance inst : extra) stopInstance(a, inst, "scaled down");
        synchronized (a) {
            while (a.instances.size() > wanted) a.instances.remove(a.instances.size() - 1);
        }
        try {
            store.deleteInstancesFrom(a.name, wanted);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "cannot record scale-down of " + a.name, e);
        }
    }

    private Outcome collect(String app, List<Integer> indexes, List<CompletableFuture<String>> waits, AppSpec spec, String verb) {
        List<String> failures = new ArrayList<>();
        for (int k = 0; k < waits.size(); k++) {
            String failure = await(waits.get(k), spec);
            if (failure != null) failures.add("instance " + indexes.get(k) + ": " + failure);
        }
        if (failures.isEmpty()) return Outcome.ok(app, verb + " " + waits.size() + " instance(s)");
        return Outcome.failed(app, failures.size() + " of " + waits.size() + " instance(s) failed to start", failures);
    }

    private static String await(CompletableFuture<String> f, AppSpec spec) {
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

    private static boolean sleepWhile(Duration d, BooleanSupplier cond) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            if (!cond.getAsBoolean()) return false;
            try {
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return cond.getAsBoolean();
    }

    // ---- watching: resources, memory limit, cron ---------------------------------------

    private void watchLoop() {
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
        List<SupervisedApp> all;
        synchronized (apps) {
            all = List.copyOf(apps.values());
        }
        long now = System.nanoTime();
        List<Long> pids = new ArrayList<>();
        for (SupervisedApp a : all) {
            synchronized (a) {
                for (Instance inst : a.instances) if (inst.state.isUp() && inst.pid != null) pids.add(inst.pid);
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
            for (Instance inst : insts) {
                Long pid;
                long gen;
                synchronized (a) {
                    pid = inst.state.isUp() ? inst.pid : null;
                    gen = inst.generation;
                }
                TreeSampler.Sample s = pid == null ? null : samples.get(pid);
                if (s == null) continue; // not up, or started after this tick's scan
                boolean over;
                synchronized (a) {
                    if (inst.generation != gen) continue; // stopped or replaced since: the sample is of the old process
                    inst.rssBytes = s.rssBytes();
                    inst.memoryGeneration = gen;
                    // hasPrevious is false for a pid sampled for the first time: a new or adopted process
                    if (s.hasPrevious()) {
                        inst.cpuPercent = tree.cpuPercent(0, s.cpuTicksSincePrevious(), now - inst.lastSampleNanos);
                        inst.cpuGeneration = gen;
                    }
                    inst.lastSampleNanos = now;
                    over = spec.maxMemory() != null && s.rssBytes() > spec.maxMemory() && inst.state == InstanceState.RUNNING;
                }
                if (over) {
                    String why = "memory " + Units.bytes(s.rssBytes()) + " over max_memory " + Units.bytes(spec.maxMemory());
                    tasks.execute(() -> restartInstance(a, inst, why));
                }
            }
            ZonedDateTime cron;
            synchronized (a) {
                cron = "running".equals(a.desired) ? a.nextCron : null;
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

    /** Graceful restart of one instance (memory limit, cron), recorded with its reason. */
    private void restartInstance(SupervisedApp a, Instance inst, String why) {
        if (!a.operation.tryLock()) return; // an operation is under way; the next sample will look again
        try {
            synchronized (a) {
                if (inst.state != InstanceState.RUNNING) return;
            }
            event(a.name, inst.index, "restart", why);
            stopInstance(a, inst, why);
            AppSpec spec = a.freshSpec();
            synchronized (a) {
                inst.restarts++;
                inst.unstableExits = 0;
                inst.reason = "restarted: " + why;
            }
            spawn(a, inst, spec);
        } finally {
            a.operation.unlock();
        }
    }

    // ---- reading ------------------------------------------------------------------------

    public List<AppStatus> status() {
        List<SupervisedApp> all;
        synchronized (apps) {
            all = List.copyOf(apps.values());
        }
        List<AppStatus> out = new ArrayList<>();
        for (SupervisedApp a : all) out.add(status(a));
        return out;
    }

    public AppStatus status(String name) {
        return status(app(name));
    }

    private AppStatus status(SupervisedApp a) {
        Instant now = clock.instant();
        synchronized (a) {
            List<InstanceStatus> is = new ArrayList<>();
            List<String> logs = new ArrayList<>();
            for (Instance i : a.instances) {
                boolean up = i.pid != null && i.state.isUp();
                is.add(new InstanceStatus(a.name, i.index, i.pid, i.state.label(), i.uptimeMillis(now), i.restarts,
                        up && i.cpuGeneration == i.generation ? i.cpuPercent : null,
                        up && i.memoryGeneration == i.generation ? i.rssBytes : null, i.port, i.adopted, i.reason, i.lastExitCode, i.envChanges,
                        i.startedAt == null ? 0 : i.startedAt.toEpochMilli()));
                LogFiles lf = LogFiles.of(a.spec, i.index);
                logs.add(lf.out().toString());
                if (!lf.merged()) logs.add(lf.err().toString());
            }
            String cmd = a.spec.command() instanceof AppSpec.ShellCommand sc ? sc.line() : String.join(" ", a.spec.command().argv());
            return new AppStatus(a.name, a.desired, a.spec.envProfile(), null, cmd, a.spec.cwd().toString(), logs, is);
        }
    }

    /** Log files of an app (every instance slot the spec declares), for `logs` and `flush`. */
    public List<LogFiles> logFiles(String name) {
        SupervisedApp a = app(name);
        synchronized (a) {
            List<LogFiles> out = new ArrayList<>();
            for (int i = 0; i < Math.max(a.spec.instances(), a.instances.size()); i++) out.add(LogFiles.of(a.spec, i));
            return out;
        }
    }

    // ---- persistence --------------------------------------------------------------------

    private void persist(String app, Instance i) {
        if (i.trial) return;
        StoredInstance s = new StoredInstance(app, i.index, i.pid, i.startTicks, i.startedAt == null ? null : i.startedAt.toEpochMilli(),
                    i.port, i.restarts, i.state.label(), i.reason, Json.write(i.envDigest), i.envChanges);
        try {
            if (has(app)) store.saveInstance(s);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "cannot save instance " + app + "[" + i.index + "]", e);
        }
    }

    private void persistDesired(SupervisedApp a) {
        try {
            store.setDesired(a.name, a.desired);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save the desired state of " + a.name + ": " + e.getMessage(), e);
        }
    }

    /**
     * An instance's event; a preflight's is the app's, kind "preflight" (it is no slot's history,
     * and its failure is the deployment's to report, not an alert of its own).
     */
    private void slotEvent(SupervisedApp a, Instance inst, String kind, String message) {
        if (inst.trial) event(a.name, null, "preflight", kind.replace('_', ' ') + ": " + message);
        else event(a.name, inst.index, kind, message);
    }

    private void event(String app, Integer index, String kind, String message) {
        try {
            store.addEvent(app, index, kind, message);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "cannot record event for " + app, e);
        }
    }

    /** Stops watching. Apps keep running: they outlive the daemon. */
    @Override public void close() {
        closed = true;
        watcher.interrupt();
        tasks.shutdownNow();
    }
}
