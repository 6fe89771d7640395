package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.config.ConfigCache;
import dev.berth.config.ConfigException;
import dev.berth.config.ConfigProblem;
import dev.berth.config.RecordedConfig;
import dev.berth.config.SecretBox;
import dev.berth.files.Names;
import dev.berth.json.Json;
import dev.berth.store.Operations;
import dev.berth.store.StateStore;
import dev.berth.store.StoreException;
import dev.berth.store.StoredApp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which apps the daemon knows, where their berth.yml is, and with which profile and variables
 * they were started. Turns API requests into supervisor operations; the berth.yml is read
 * here, so a file with problems is refused before anything changes.
 */
public final class AppCatalog {
    private static final Logger LOG = Logger.getLogger(AppCatalog.class.getName());
    private final StateStore store;
    private final Supervisor supervisor;
    private final Path defaultLogDir;

    public AppCatalog(StateStore store, Supervisor supervisor, Path defaultLogDir, SecretBox secrets, ConfigCache configs) {
        this.operations = new Operations(store);
        this.store = store;
        this.supervisor = supervisor;
        this.defaultLogDir = defaultLogDir;
        this.secrets = secrets;
        this.parsed = configs;
    }

    private final SecretBox secrets;

    /** Re-reads an app's berth.yml with the variables and profile it was started with. */
    private SpecSource sourceFor(String app) {
        return name -> {
            StoredApp stored = stored(name).orElseThrow(() -> new Names.Unknown("app " + name + " is not registered"));
            return loadApp(Path.of(stored.configPath()), name, stored.envProfile(), variables(stored));
        };
    }

    /**
     * The daemon's parses of each berth.yml. A restart (a crash, a memory limit) reads its files
     * again, always, and parses only when a byte changed: it runs on today's config without paying for YAML.
     */
    private final ConfigCache parsed;

    /** The parse of each berth.yml last kept as its last good copy (by identity: a new parse is kept again). */
    private final Map<Path, BerthFile> kept = new ConcurrentHashMap<>();

    /**
     * An app's berth.yml through the shared cache: a release's recorded copy unsealed and pinned to
     * its release, a user's file as it is. Each new parse of a user's file (whichever caller of the
     * cache made it) is kept as its last good copy. Nothing but the cache's byte comparison runs
     * when nothing changed: this is on every restart's path.
     */
    private BerthFile loadFile(Path config, String profile, Map<String, String> vars) throws ConfigException {
        BerthFile file = parsed.load(config, profile, vars, () -> {
            var recorded = RecordedConfig.of(config, secrets);
            if (recorded.isEmpty()) return new BerthFileLoader(vars, defaultLogDir).load(config, profile);
            return recorded.get().pin(new BerthFileLoader(vars, defaultLogDir).withSecrets(secrets)
                    .load(config, profile, recorded.get().baseDir(), recorded.get().envFileCopies()));
        });
        Path key = config.toAbsolutePath().normalize();
        if (kept.put(key, file) != file && !RecordedConfig.isCopy(config)) keepLastGood(key, file, profile, vars);
        return file;
    }

    /**
     * A copy of every berth.yml that last loaded (env files sealed), so that a daemon started
     * while someone's edit left it broken still adopts and supervises the apps it runs.
     */
    private void keepLastGood(Path config, BerthFile file, String profile, Map<String, String> vars) {
        try {
            Map<String, String> clean = new HashMap<>(vars);
            clean.values().removeIf(Objects::isNull);
            RecordedConfig.record(lastGoodDir(config), file, profile, clean, secrets);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot keep a last good copy of " + config, e);
        }
    }

    private Path lastGoodDir(Path config) {
        String id = Integer.toHexString(config.toAbsolutePath().normalize().toString().hashCode());
        return defaultLogDir.resolveSibling("last-good").resolve(id + "-" + config.getParent().getFileName());
    }

    private AppSpec loadApp(Path config, String name, String profile, Map<String, String> vars) throws ConfigException {
        BerthFile file = loadFile(config, profile, vars);
        return file.app(name).orElseThrow(() -> new ConfigException(List.of(new ConfigProblem(config, 0, 0, "apps",
                "app \"" + name + "\" is no longer in this file; apps here: " + names(file)))));
    }

    private static String names(BerthFile f) {
        return f.apps().isEmpty() ? "(none)" : String.join(", ", f.apps().stream().map(AppSpec::name).toList());
    }

    private Optional<StoredApp> stored(String name) {
        try {
            return store.apps().stream().filter(a -> a.name().equals(name)).findFirst();
        } catch (StoreException e) {
            throw new IllegalStateException("cannot read the state database: " + e.getMessage(), e);
        }
    }

    /**
     * Starts apps. With a config file: the named apps from it (all when none named), loaded and
     * validated before anything starts. Names not in the file, or without a file, must be registered.
     */
    public List<Outcome> start(Path config, List<String> names, String profile, Map<String, String> vars) throws ConfigException {
        List<AppSpec> fromFile = new ArrayList<>();
        List<String> registered = new ArrayList<>();
        if (config != null) {
            BerthFile file = loadFile(config, profile, vars);
            if (names.isEmpty() || names.equals(List.of("all"))) {
                fromFile.addAll(file.apps());
            } else {
                for (String n : names) {
                    var spec = file.app(n);
                    if (spec.isPresent()) fromFile.add(spec.get());
                    else if (supervisor.has(n)) registered.add(n);
                    else throw new Names.Unknown("no app \"" + n + "\" in " + config + " (apps there: " + names(file) + ") and none registered");
                }
            }
        } else {
            List<String> wanted = names.isEmpty() || names.equals(List.of("all")) ? supervisor.appNames() : names;
            for (String n : wanted) {
                if (!supervisor.has(n)) throw new Names.Unknown("no app named \"" + n + "\" is registered and no berth.yml was given");
                registered.add(n);
            }
        }
        // Everything is validated and registered first; then the apps start side by side (each
        // waits for its own readiness), and the outcomes come back in the declared order.
        List<Supplier<Outcome>> starts = new ArrayList<>();
        // after: an app starts once the apps it names (started by this call) are up; the loader refused circles
        Map<String, CompletableFuture<Outcome>> outcomes = new HashMap<>();
        for (AppSpec spec : fromFile) outcomes.put(spec.name(), new CompletableFuture<>());
        for (AppSpec spec : fromFile) {
            register(config, spec, profile, vars);
            starts.add(() -> {
                Outcome o;
                try {
                    o = afterItsDependencies(spec, outcomes, () -> built(spec, () -> supervisor.start(spec, sourceFor(spec.name()))));
                } catch (RuntimeException e) {
                    outcomes.get(spec.name()).completeExceptionally(e);
                    throw e;
                }
                outcomes.get(spec.name()).complete(o);
                return o;
            });
        }
        for (String n : registered) {
            AppSpec spec = sourceFor(n).load(n);
            setDesired(n, DesiredState.RUNNING);
            starts.add(() -> built(spec, () -> supervisor.start(spec, sourceFor(n))));
        }
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (var start : starts) futures.add(pool.submit(start::get));
            List<Outcome> out = new ArrayList<>();
            for (var f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting apps", e);
                }
            }
            return out;
        }
    }

    /** Waits for the outcomes of the apps spec names in after: (those this start brings up); one that failed fails this one. */
    private Outcome afterItsDependencies(AppSpec spec, Map<String, CompletableFuture<Outcome>> outcomes, Supplier<Outcome> start) {
        for (String dep : spec.after()) {
            CompletableFuture<Outcome> f = outcomes.get(dep);
            if (f == null) continue; // not started by this call: as it is
            String failed;
            try {
                Outcome o = f.join();
                failed = o.ok() ? null : "did not start: " + o.message();
            } catch (java.util.concurrent.CompletionException e) {
                failed = "failed: " + e.getCause().getMessage();
            }
            if (failed != null) {
                setDesired(spec.name(), DesiredState.STOPPED); // not started for its dependency: nor by a restarted daemon
                return Outcome.failed(spec.name(), "not started: " + dep + " (after:) " + failed, List.of());
            }
        }
        return start.get();
    }

    /** A `build:` app's image is built (when it is not there yet) before its instances start. */
    private Outcome built(AppSpec spec, Supplier<Outcome> start) {
        String failed = supervisor.containers().ensureBuilt(spec);
        return failed == null ? start.get() : Outcome.failed(spec.name(), "not started: " + failed, List.of());
    }

    private void register(Path config, AppSpec spec, String profile, Map<String, String> vars) {
        try {
            StoredApp before = stored(spec.name()).orElse(null);
            store.upsertApp(new StoredApp(spec.name(), before == null ? -1 : before.position(),
                    config.toAbsolutePath().toString(), profile, DesiredState.RUNNING.label(), sealed(vars)));
        } catch (StoreException e) {
            throw new IllegalStateException("cannot save app " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    private void setDesired(String app, DesiredState desired) {
        try {
            store.setDesired(app, desired.label());
        } catch (StoreException e) {
            throw new IllegalStateException("cannot save the desired state of " + app + ": " + e.getMessage(), e);
        }
    }

    /**
     * The app as a deploy sees it: from the given berth.yml, or else from the one it was
     * registered with (and that registration's profile and variables when none are given).
     */
    public AppSpec deployable(Path config, String name, String profile, Map<String, String> vars) throws ConfigException {
        if (config != null) {
            BerthFile file = loadFile(config, profile, vars);
            return file.app(name).orElseThrow(() -> Names.unknown("app", "in " + config, name, file.apps().stream().map(AppSpec::name).toList()));
        }
        StoredApp stored = stored(name).orElseThrow(() -> new Names.Unknown(
                "no app named \"" + name + "\" is registered, and no berth.yml was given (run in its directory or pass -c)"));
        return loadApp(Path.of(stored.configPath()), name, profile != null ? profile : stored.envProfile(),
                vars.isEmpty() ? variables(stored) : vars);
    }

    /** The berth.yml an app is registered from, or null. */
    public Path registeredConfig(String name) {
        return stored(name).map(a -> Path.of(a.configPath())).orElse(null);
    }

    /**
     * A deploy moving the app onto a release: registers the app from `config` (the release's
     * recorded copy), then starts it when it is not supervised yet (a first deploy), or reloads
     * it, one instance at a time, each ready before the next; with onlyChanged, only the instances
     * that do not already run it. Every path rereads `config`, so the app runs that release.
     */
    public Outcome restartDeployed(Path config, AppSpec spec, String profile, Map<String, String> vars, boolean onlyChanged) {
        register(config, spec, profile, vars);
        if (!supervisor.has(spec.name())) {
            SpecSource source = sourceFor(spec.name());
            AppSpec fromConfig;
            try {
                fromConfig = source.load(spec.name()); // the release's own directory (a recorded copy pins it)
            } catch (ConfigException e) {
                return new Outcome(spec.name(), false, config + " does not load: " + e.problems().get(0), List.of());
            }
            return supervisor.start(fromConfig, source);
        }
        return supervisor.reload(spec.name(), onlyChanged);
    }

    private final Operations operations;

    /**
     * Stops every instance, then starts them again with today's berth.yml; recorded as under way
     * while it runs. first runs inside the record, before the restart (the request's variables).
     */
    public Outcome restart(String app, Runnable first) {
        return journaled("restart", app, () -> {
            first.run();
            return supervisor.restart(app);
        });
    }

    /** Rolling reload; recorded as under way while it runs (first: as for restart). */
    public Outcome reload(String app, Runnable first) {
        return journaled("reload", app, () -> {
            first.run();
            return supervisor.reload(app);
        });
    }

    /** Stops the app; recorded as under way while it runs (a daemon killed meanwhile leaves the next one to finish it). */
    public Outcome stop(String app) {
        return journaled("stop", app, () -> supervisor.stop(app));
    }

    /**
     * Runs an operation with a durable record of it (and of the instances' pids before it) written
     * first and removed after: a daemon killed in the middle leaves the record, and the next one
     * says in the app's events what was done and what was not (see InterruptedOperations).
     */
    private Outcome journaled(String kind, String app, Supplier<Outcome> work) {
        List<Object> pids = new ArrayList<>();
        for (var i : supervisor.status(app).instances()) pids.add(i.pid());
        return operations.during(kind, app, Json.write(Map.of("pids", pids)), work::get);
    }

    /** Variables the CLI sent with restart/reload replace the stored ones of apps from the same berth.yml. */
    public void refreshVariables(Path config, Map<String, String> vars) {
        if (config == null || vars.isEmpty()) return;
        try {
            for (StoredApp a : store.apps()) {
                if (a.configPath().equals(config.toAbsolutePath().toString())) {
                    Map<String, String> merged = new LinkedHashMap<>(variables(a));
                    merged.putAll(vars);
                    store.upsertApp(new StoredApp(a.name(), a.position(), a.configPath(), a.envProfile(), a.desired(), sealed(merged)));
                }
            }
        } catch (StoreException e) {
            throw new IllegalStateException("cannot save variables: " + e.getMessage(), e);
        }
    }

    /**
     * The ${VAR} values kept with an app's registration are what the CLI's shell had: passwords,
     * keys. They are kept sealed (SecretBox), never as plain JSON in state.db.
     */
    private String sealed(Map<String, String> vars) {
        return secrets.sealText(Json.write(vars));
    }

    private Map<String, String> variables(StoredApp a) {
        try {
            return Json.readStringMap(secrets.openText(a.variablesJson()));
        } catch (IOException e) {
            LOG.warning("cannot open the variables of " + a.name() + " (was secret.key replaced?): " + e.getMessage());
            return Map.of();
        }
    }

    /**
     * At daemon start: seals the variables an older daemon kept as plain JSON, and has the
     * database drop every trace of them (secure_delete zeroes the old rows; the checkpoint
     * empties the WAL).
     */
    public void sealStoredVariables() {
        try {
            int n = 0;
            for (StoredApp a : store.apps()) {
                if (SecretBox.isSealedText(a.variablesJson())) continue;
                store.upsertApp(new StoredApp(a.name(), a.position(), a.configPath(), a.envProfile(), a.desired(),
                        sealed(Json.readStringMap(a.variablesJson()))));
                n++;
            }
            if (n > 0) {
                store.checkpoint();
                LOG.info("sealed the stored variables of " + n + " app(s)");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot seal the stored variables", e);
        }
    }

    public List<String> resolve(List<String> names) {
        if (names.isEmpty() || names.equals(List.of("all"))) return supervisor.appNames();
        for (String n : names) Names.requireListed("app", "registered with the daemon", n, supervisor.appNames());
        return names;
    }

    /** Brings back every registered app as the state database says: adopts live PIDs, starts what should run. */
    public List<Outcome> recoverAll() {
        List<Outcome> out = new ArrayList<>();
        List<StoredApp> all;
        try {
            all = store.apps();
        } catch (StoreException e) {
            throw new IllegalStateException("cannot read the state database: " + e.getMessage(), e);
        }
        for (StoredApp a : all) {
            try {
                AppSpec spec = loadApp(Path.of(a.configPath()), a.name(), a.envProfile(), variables(a));
                out.add(supervisor.recover(spec, sourceFor(a.name()), a.desired(), store.instances(a.name())));
            } catch (ConfigException e) {
                Path copy = lastGoodDir(Path.of(a.configPath())).resolve("berth.yml");
                try {
                    // adopted with the last berth.yml that loaded: live processes stay supervised; restarts go on
                    // using it (with a config event) until the file is fixed
                    AppSpec spec = loadApp(copy, a.name(), a.envProfile(), variables(a));
                    Outcome o = supervisor.recover(spec, sourceFor(a.name()), a.desired(), store.instances(a.name()));
                    LOG.warning(a.name() + ": its berth.yml does not load (" + e.problems().get(0) + "); recovered with the last good copy");
                    out.add(new Outcome(a.name(), o.ok(), o.message() + " (with the last good berth.yml: " + e.problems().get(0) + ")", o.details()));
                } catch (ConfigException | RuntimeException none) {
                    LOG.log(Level.WARNING, "cannot recover " + a.name() + ": " + e.getMessage());
                    out.add(new Outcome(a.name(), false, "cannot load its berth.yml: " + e.problems().get(0), List.of()));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot recover " + a.name(), e);
                out.add(new Outcome(a.name(), false, "cannot recover: " + e.getMessage(), List.of()));
            }
        }
        return out;
    }
}
