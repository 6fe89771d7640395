package dev.berth.monitor;

import dev.berth.alert.AlertRouter;
import dev.berth.config.AlertsSpec;
import dev.berth.config.BackupSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.CheckSpec;
import dev.berth.config.ConfigCache;
import dev.berth.config.ConfigException;
import dev.berth.monitor.probe.CheckState;
import dev.berth.monitor.probe.ProbeResult;
import dev.berth.store.CheckRecords;
import dev.berth.store.StoreException;
import dev.berth.store.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the checks of the watched berth.yml files in the daemon, each on its interval, keeps
 * their states, counts uptime, and raises alerts on state changes (and again every `resend`
 * while a check stays bad). One platform thread keeps the schedule; HTTP checks run on the
 * HTTP client's own asynchronous machinery, the others on virtual threads, so a thousand
 * checks every ten seconds start on time.
 */
public final class CheckScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CheckScheduler.class.getName());
    private static final Duration RELOAD = Duration.ofSeconds(10);
    private static final Duration FLUSH = Duration.ofSeconds(60);
    private static final Duration FORGET_AFTER = Duration.ofHours(1);
    private final Map<Path, Long> missingSince = new ConcurrentHashMap<>();

    private final CheckRecords store;
    private final AlertRouter router;
    private final CheckContext context;
    private final ConfigCache configs;

    /** In the order they were first watched: the first file wins when two define the same check or channel. */
    private final Map<Path, Map<String, String>> watched = Collections.synchronizedMap(new LinkedHashMap<>());

    /** A scheduled check: its settings, its runnable probe, its state. */
    private static final class Scheduled {
        final CheckSpec spec;
        final ProbeFactory.Runnable probe;
        final CheckStatus status;
        long due;
        volatile boolean running;

        Scheduled(CheckSpec spec, ProbeFactory.Runnable probe, CheckStatus status, long due) {
            this.spec = spec;
            this.probe = probe;
            this.status = status;
            this.due = due;
        }
    }

    private static final Executor AFTER_RUN = Executors.newVirtualThreadPerTaskExecutor();

    private final Map<String, Scheduled> checks = new ConcurrentHashMap<>();
    /** States of checks that left the configuration, in case they come back (a file briefly gone during a deploy). */
    private final Map<String, CheckStatus> retired = new ConcurrentHashMap<>();
    private final Map<String, BackupSpec> backups = new ConcurrentHashMap<>();
    private volatile AlertsSpec alerts = AlertsSpec.NONE;
    private final Object wake = new Object();
    private final Map<String, long[]> uptime = new HashMap<>();
    private final Map<String, CheckRecords.CheckState> saved;
    /** How late checks started (ms), the last 10,000 runs: /metrics and the benchmark read it. */
    private final long[] lateness = new long[10_000];
    private long runs;
    private final Thread loop;
    private volatile boolean closed;
    /** The watched berth.yml files with the variables each is read with (a copy). */
    public Map<Path, Map<String, String>> watchedFiles() {
        synchronized (watched) {
            return new LinkedHashMap<>(watched);
        }
    }

    /** A file was (re)watched: read it now rather than at the next reload. */
    private volatile boolean dirty;
    private boolean resumed;

    public CheckScheduler(CheckRecords store, Function<Supplier<AlertsSpec>, AlertRouter> routerFactory,
                   CheckContext context, ConfigCache configs) {
        this.store = store;
        this.context = context;
        this.configs = configs;
        this.router = routerFactory.apply(() -> alerts);
        Map<String, CheckRecords.CheckState> s;
        try {
            s = store.states();
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot read the checks' states", e);
            s = Map.of();
        }
        this.saved = s;
        this.loop = Thread.ofPlatform().daemon().name("berth-monitor").start(this::run);
    }

    public AlertRouter router() {
        return router;
    }

    private volatile BiConsumer<Path, Map<String, String>> persist = (p, v) -> { };

    private volatile BiConsumer<CheckSpec, ProbeResult> onResult = (spec, r) -> { };

    /** Called with every finished run of a check (the metrics history keeps its latency). */
    public void onResult(BiConsumer<CheckSpec, ProbeResult> listener) {
        this.onResult = listener;
    }

    /** Called with each newly watched file (and with null variables when it is forgotten), so the daemon can remember it across restarts. */
    public void onWatch(BiConsumer<Path, Map<String, String>> persist) {
        this.persist = persist;
    }

    /** Watches a berth.yml's checks and alert channels from now on. */
    public void watch(Path berthYml, Map<String, String> vars) {
        Map<String, String> copy = new HashMap<>(vars);
        copy.values().removeIf(Objects::isNull);
        Path p = berthYml.toAbsolutePath().normalize();
        Map<String, String> before = watched.put(p, Map.copyOf(copy));
        if (!copy.equals(before)) persist.accept(p, copy);
        dirty = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    // ---- the loop

    private void run() {
        long nextReload = 0;
        long nextFlush = System.currentTimeMillis() + FLUSH.toMillis();
        long nextResend = 0;
        while (!closed) {
            try {
                long now = System.currentTimeMillis();
                if (dirty || now >= nextReload) {
                    dirty = false;
                    reload(now);
                    if (!resumed && !alerts.channels().isEmpty()) { // the channels are known now
                        resumed = true;
                        router.resumeQueued();
                    }
                    nextReload = now + RELOAD.toMillis();
                }
                if (now >= nextFlush) {
                    flushUptime(now);
                    nextFlush = now + FLUSH.toMillis();
                }
                if (now >= nextResend) {
                    resend(Instant.ofEpochMilli(now));
                    nextResend = now + 5_000;
                }
                long next = Math.min(Math.min(nextReload, nextFlush), nextResend);
                for (Scheduled s : checks.values()) {
                    if (s.due <= now) {
                        start(s, now);
                    }
                    next = Math.min(next, s.due);
                }
                long wait = next - System.currentTimeMillis();
                if (wait > 0) {
                    synchronized (wake) {
                        wake.wait(wait);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) { // a library's Error (OSHI's native part) must not end the monitoring quietly
                LOG.log(Level.WARNING, "monitor loop", e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException x) {
                    return;
                }
            }
        }
    }

    private void start(Scheduled s, long now) {
        long due = s.due;
        long interval = s.spec.interval().toMillis();
        s.due = due + interval;
        if (s.due <= now) s.due = now + interval; // fell behind (the machine slept): no burst of catch-up runs
        if (s.running) return; // the previous run is still going: this slot is skipped
        s.running = true;
        synchronized (lateness) {
            lateness[(int) (runs++ % lateness.length)] = now - due;
        }
        // finished() writes to SQLite: not on the HTTP client's threads nor the JDK's shared timer thread
        CheckRunner.start(s.spec, s.probe).whenCompleteAsync((r, x) -> {
            s.running = false;
            try {
                finished(s, r != null ? r : ProbeResult.failed("the check failed: " + x, 0));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "after check " + s.spec.name(), e);
            }
        }, AFTER_RUN);
    }

    private void finished(Scheduled s, ProbeResult r) {
        Instant now = Instant.now();
        try {
            onResult.accept(s.spec, r);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a check result's listener failed", e);
        }
        synchronized (uptime) {
            long[] c = uptime.computeIfAbsent(s.spec.name(), k -> new long[2]);
            if (r.state() != CheckState.CRITICAL) c[0]++;
            c[1]++;
        }
        CheckStatus.Transition t = s.status.record(r, s.spec.failures(), now);
        if (t == null) return;
        if (!t.recovery() && s.spec.probe() instanceof CheckSpec.App a && recentlyAlerted(a.app(), now)) {
            save(s); // the crash loop's own alert said it a moment ago: one incident, one alert (the recovery is still sent)
            return;
        }
        alert(s.spec, t.to(), r, t.since(), t.recovery() ? "recovered" : null);
        save(s);
    }

    private void alert(CheckSpec spec, CheckState state, ProbeResult r, Instant since, String note) {
        String subject = "check " + spec.name();
        String value = r.value() == null ? null : format(r.value(), r.unit());
        router.raise(new AlertRouter.Raise(spec.name(), subject, state == CheckState.OK ? "OK" : state.name(), value, threshold(spec, state, r.unit()), since,
                (note == null ? "" : note + ": ") + r.message(), spec.channels()));
    }

    /** The limit a state crossed, as messages show it: "> 3000 ms", "< 7 days"; null for OK or a check without limits. */
    public static String threshold(CheckSpec spec, CheckState state, String unit) {
        if (state == CheckState.OK) return null;
        // an app check judges restarts against its limits, but instances not online are CRITICAL without one
        if (spec.probe() instanceof CheckSpec.App && !"restarts/h".equals(unit)) return null;
        CheckSpec.Limits l = CheckSpec.limitsOf(spec.probe());
        Double v = state == CheckState.CRITICAL ? l.critical() : l.warning();
        if (v == null) return null;
        return (spec.probe() instanceof CheckSpec.Tls ? "< " : "> ") + format(v, unit);
    }

    /** A value with its unit, as messages show it: 3412 ms, 91.5 %, 12 days. */
    public static String format(double v, String unit) {
        String n = v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
        return unit == null || unit.isEmpty() ? n : n + " " + unit;
    }

    /** A check still bad is sent again every `resend`. */
    private void resend(Instant now) {
        Duration every = alerts.resend();
        if (every == null) return;
        for (Scheduled s : checks.values()) {
            CheckStatus.Resend due = s.status.resendDue(every, now);
            if (due == null) continue;
            alert(s.spec, due.state(), due.last(), due.since(), "still " + due.state().label() + " since " + due.since());
            save(s);
        }
    }

    private void save(Scheduled s) {
        CheckStatus st = s.status;
        ProbeResult r = st.last();
        try {
            store.saveStates(List.of(new CheckRecords.CheckState(s.spec.name(), st.state().name(), st.since().toEpochMilli(),
                    st.lastRun() == null ? null : st.lastRun().toEpochMilli(), r == null ? null : r.value(), r == null ? null : r.message(),
                    st.alertedAt() == null ? null : st.alertedAt().toEpochMilli())));
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot save the state of check " + s.spec.name(), e);
        }
    }

    private void flushUptime(long now) {
        Map<String, long[]> counts;
        synchronized (uptime) {
            counts = new HashMap<>(uptime);
            uptime.clear();
        }
        try {
            store.addUptime(counts, now);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "cannot save uptime counts", e);
            synchronized (uptime) { // keep them for the next flush
                counts.forEach((k, v) -> {
                    long[] c = uptime.computeIfAbsent(k, x -> new long[2]);
                    c[0] += v[0];
                    c[1] += v[1];
                });
            }
        }
    }

    // ---- configuration

    /** Reads the watched files (again only when their bytes changed) and brings the schedule in line. */
    void reload(long now) {
        Map<String, CheckSpec> wanted = new LinkedHashMap<>();
        Map<String, BackupSpec> wantedBackups = new HashMap<>();
        List<AlertsSpec.Channel> channels = new ArrayList<>();
        AlertsSpec first = null;
        List<Map.Entry<Path, Map<String, String>>> files;
        synchronized (watched) {
            files = List.copyOf(watched.entrySet());
        }
        for (var e : files) {
            BerthFile f = load(e.getKey(), e.getValue());
            if (f == null) continue;
            for (CheckSpec c : f.checks()) wanted.putIfAbsent(c.name(), c);
            for (BackupSpec b : f.backups()) wantedBackups.putIfAbsent(b.name(), b);
            if (!f.alerts().channels().isEmpty() && first == null) first = f.alerts();
            for (AlertsSpec.Channel c : f.alerts().channels()) {
                if (channels.stream().noneMatch(x -> x.name().equals(c.name()))) channels.add(c);
            }
        }
        AlertsSpec base = first != null ? first : AlertsSpec.NONE;
        alerts = new AlertsSpec(List.copyOf(channels), base.resend(), base.groupWait(), base.server(), base.maintenance());
        backups.keySet().retainAll(wantedBackups.keySet());
        backups.putAll(wantedBackups);
        for (var it = checks.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                retired.put(e.getKey(), e.getValue().status);
                it.remove();
            }
        }
        int i = 0;
        for (CheckSpec c : wanted.values()) {
            Scheduled old = checks.get(c.name());
            if (old != null && old.spec.equals(c)) continue;
            CheckStatus back = retired.remove(c.name());
            CheckStatus status = old != null ? old.status : back != null ? back : restored(c.name());
            // spread first runs over the first interval so a thousand checks do not start in the same millisecond
            long due = old != null ? old.due : now + (long) (c.interval().toMillis() * ((i++ % 100) / 100.0));
            checks.put(c.name(), new Scheduled(c, ProbeFactory.of(c, context, backups::get), status, due));
        }
    }

    private CheckStatus restored(String name) {
        CheckRecords.CheckState s = saved.get(name);
        if (s == null) return CheckStatus.fresh(name, Instant.now());
        return new CheckStatus(name, CheckState.valueOf(s.state()), Instant.ofEpochMilli(s.since()), s.alertedAt() == null ? null : Instant.ofEpochMilli(s.alertedAt()));
    }

    /** The file as loaded (again only after an edit); a broken edit keeps what loaded last. */
    private BerthFile load(Path p, Map<String, String> vars) {
        if (!Files.isRegularFile(p)) { // gone for a moment (a checkout) keeps its checks; gone for an hour is forgotten
            long since = missingSince.computeIfAbsent(p, k -> System.currentTimeMillis());
            if (System.currentTimeMillis() - since > FORGET_AFTER.toMillis()) {
                watched.remove(p);
                missingSince.remove(p);
                persist.accept(p, null);
                LOG.info("no longer watching " + p + ": it has been gone for " + FORGET_AFTER.toMinutes() + " minutes");
                configs.forget(p);
                return null;
            }
            return configs.lastGood(p, vars);
        }
        missingSince.remove(p);
        try {
            return configs.load(p, vars);
        } catch (ConfigException e) {
            return configs.lastGood(p, vars);
        }
    }

    // ---- events from the rest of the daemon

    /** When an app's crash loop or failed spawn last alerted: its app:NAME check then stays quiet for a while. */
    private final Map<String, Instant> appEventAlerts = new ConcurrentHashMap<>();

    private boolean recentlyAlerted(String app, Instant now) {
        Instant at = appEventAlerts.get(app);
        return at != null && at.plus(Duration.ofMinutes(10)).isAfter(now);
    }

    /** Crash loops, failed spawns, failed deployments and failed or missed backups raise alerts. */
    public void onEvent(StoredEvent e) {
        String kind = e.kind();
        boolean alerting = Set.of("errored", "spawn_error", "deploy_failed", "deploy_rolled_back", "backup_failed", "backup_missed",
                "drill_failed", "offsite_failed", "restore_interrupted", "certificate_failed").contains(kind);
        if (!alerting) return;
        String app = e.app();
        String subject = app.startsWith("backup:") ? "backup " + app.substring(7) : app.startsWith("site:") ? "certificate of site " + app.substring(5)
                : (kind.startsWith("deploy_") ? "deploy " : "app ") + app;
        if (kind.equals("errored") || kind.equals("spawn_error")) appEventAlerts.put(app, Instant.ofEpochMilli(e.at()));
        router.raise(new AlertRouter.Raise(app, subject, "CRITICAL", null, null, Instant.ofEpochMilli(e.at()), kind.replace('_', ' ') + ": " + e.message(), List.of()));
    }

    // ---- what the API shows

    public record CheckView(CheckSpec spec, CheckState state, Instant since, ProbeResult last, Instant lastRun) { }

    /**
     * The names of the heartbeat checks of every watched berth.yml, read from the files now (the
     * schedule catches up with a newly watched file a moment later): the only names a heartbeat
     * URL is made for.
     */
    public List<String> heartbeats() {
        List<Map.Entry<Path, Map<String, String>>> files;
        synchronized (watched) {
            files = List.copyOf(watched.entrySet());
        }
        Set<String> names = new TreeSet<>();
        for (var e : files) {
            BerthFile f = load(e.getKey(), e.getValue());
            if (f == null) continue;
            for (CheckSpec c : f.checks()) if (c.probe() instanceof CheckSpec.Heartbeat) names.add(c.name());
        }
        return List.copyOf(names);
    }

    public List<CheckView> checks() {
        List<CheckView> out = new ArrayList<>();
        for (Scheduled s : checks.values()) out.add(new CheckView(s.spec, s.status.state(), s.status.since(), s.status.last(), s.status.lastRun()));
        out.sort(Comparator.comparing(v -> v.spec().name()));
        return out;
    }

    /**
     * `berth check --alert`: raises what is not OK, except what the daemon's own runs have already
     * alerted within `resend`; says what it did.
     */
    public String alertNow(List<CheckRunner.Outcome> outcomes) {
        Instant now = Instant.now();
        int n = 0;
        int known = 0;
        for (CheckRunner.Outcome o : outcomes) {
            if (o.result().state() == CheckState.OK) continue;
            if (alerted(o.spec().name(), o.result().state(), now)) { // a duplicate of what the daemon sent
                known++;
                continue;
            }
            alert(o.spec(), o.result().state(), o.result(), now, "berth check --alert");
            n++;
        }
        return (n == 0 ? "nothing new to alert" : n + " alert(s) queued (see `berth alerts`)")
                + (known == 0 ? "" : "; " + known + " already alerted by the daemon");
    }

    /**
     * Whether the daemon's own run of this check is in this state and has alerted it within
     * `resend` (so `berth check --alert` from a cron job does not send it again).
     */
    public boolean alerted(String check, CheckState state, Instant now) {
        Scheduled s = checks.get(check);
        if (s == null || s.status.state() != state) return false;
        Instant at = s.status.alertedAt();
        if (at == null) return false;
        Duration every = alerts.resend();
        return every == null || at.plus(every).isAfter(now);
    }

    public Health health() {
        return Health.of(checks.values().stream().map(s -> s.status.state()).toList());
    }

    /** Lateness of the last runs, sorted (ms). */
    public long[] lateness() {
        synchronized (lateness) {
            long[] copy = Arrays.copyOf(lateness, (int) Math.min(runs, lateness.length));
            Arrays.sort(copy);
            return copy;
        }
    }

    public long runs() {
        synchronized (lateness) {
            return runs;
        }
    }

    public AlertsSpec alerts() {
        return alerts;
    }

    @Override public void close() {
        closed = true;
        loop.interrupt();
        flushUptime(System.currentTimeMillis());
        router.close();
    }
}
