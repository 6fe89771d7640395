package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.config.ConfigException;
import dev.berth.config.DeploySpec;
import dev.berth.config.RecordedConfig;
import dev.berth.config.SecretBox;
import dev.berth.files.FileTrees;
import dev.berth.files.Names;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import dev.berth.store.Deployments.Release;
import dev.berth.store.Deployments;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.InstanceStatus;
import dev.berth.supervisor.Outcome;
import dev.berth.supervisor.ProcessTree;
import dev.berth.supervisor.Supervisor;
import dev.berth.text.Units;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ships releases: lock → fetch the source into releases/&lt;id&gt; → link shared → install →
 * build → test → migrate → before_switch → preflight (one process of the release beside the
 * running app, on a private port) → restart (one instance at a time onto the release's own
 * directory, each ready before the next) → atomic switch of `current` → after_switch → health
 * gate (`settle` under watch) → prune. A failure before the restart removes the half-built
 * release and leaves the live one untouched; a failure after it brings back, one at a time, only
 * the instances that run the new release. Every attempt and every step is recorded (see
 * {@link Deployments}), with a log file per step.
 */
public final class Deployer {
    private static final Logger LOG = Logger.getLogger(Deployer.class.getName());
    private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(10);

    private final Deployments records;
    private final AppControl apps;
    private final Path logRoot;
    private final Path recordRoot;
    private final DataBackups backups;
    private final SecretBox secrets;

    /**
     * @param logRoot    where each deployment's step logs go (BERTH_HOME/deploys)
     * @param recordRoot where each release's configuration is recorded (BERTH_HOME/releases)
     */
    public Deployer(Deployments records, AppControl apps, Path logRoot, Path recordRoot, DataBackups backups, SecretBox secrets) {
        this.secrets = secrets;
        this.records = records;
        this.apps = apps;
        this.logRoot = logRoot;
        this.recordRoot = recordRoot;
        this.backups = backups;
    }

    /** A step failed: its name, what happened, and where its log is. */
    private static final class StepFailure extends Exception {
        final String step;

        StepFailure(String step, String message) {
            super(message);
            this.step = step;
        }
    }

    // ---- starting ---------------------------------------------------------------------------

    /**
     * Starts a deploy (or, with request.quick, a restart of the live release) and returns its id
     * at once; the pipeline runs on its own thread. A deploy already running for the app is
     * refused here, naming who runs it.
     */
    public long deploy(AppSpec spec, DeployRequest req) throws DeployException {
        DeploySpec d = requireDeploy(spec);
        refuseRefWithoutGit(spec, req);
        String previous = currentRelease(d).orElse(null);
        if (req.quick() && previous == null) {
            throw new DeployException(spec.name() + " has no live release yet: run `berth deploy " + spec.name() + "` first");
        }
        DeployLock lock = lock(d, spec.name(), req.who());
        long id;
        try {
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("skip_tests", req.skipTests());
            options.put("skip_build", req.skipBuild());
            options.put("no_backup", req.noBackup());
            options.put("force", req.force());
            id = records.begin(spec.name(), req.quick() ? "quick" : "deploy", req.quick() ? previous : null, req.ref(), previous,
                    req.who(), Json.write(options));
        } catch (SQLException | RuntimeException e) {
            closeQuietly(lock);
            throw new DeployException("cannot record the deployment: " + e.getMessage(), e);
        }
        Thread.ofVirtual().name("deploy-" + id).start(() -> {
            try (lock) {
                if (req.quick()) runQuick(id, spec, req, previous);
                else runDeploy(id, spec, req, previous);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "deployment " + id + " ended abnormally", e);
                finish(id, "failed", null, "internal error: " + e);
            }
        });
        return id;
    }

    /**
     * Goes back to a kept release (default: the newest good one before the live one). A release id
     * is a name Berth made: anything but the id of one of the app's listed releases is refused
     * (Names.Unknown), so it never reaches a path.
     */
    public long rollback(AppSpec spec, DeployRequest req, String releaseId, boolean withData) throws DeployException {
        DeploySpec d = requireDeploy(spec);
        if (releaseId != null) Names.requireListed("release", "of " + spec.name(), releaseId, releaseIds(spec.name()));
        String live = currentRelease(d).orElseThrow(() -> new DeployException(spec.name() + " has no live release to roll back from"));
        String target = releaseId != null ? releaseId : previousGood(spec.name(), live)
                .orElseThrow(() -> new DeployException("no earlier good release of " + spec.name() + " to roll back to; `berth releases "
                        + spec.name() + "` lists them"));
        if (target.equals(live)) throw new DeployException("release " + target + " is already live");
        Path dir = d.path().resolve("releases").resolve(target);
        if (!Files.isDirectory(dir)) {
            // no such thing any more: exit 4 / 404, like an id Berth never made
            throw new Names.Unknown("release " + target + " of " + spec.name() + " is no longer on disk (" + dir
                    + " was pruned or removed); releases on disk: " + String.join(", ", releasesOnDisk(d)));
        }
        Long dataBackup = withData ? backupBefore(spec.name(), live) : null;
        DeployLock lock = lock(d, spec.name(), req.who());
        long id;
        try {
            id = records.begin(spec.name(), "rollback", target, null, live, req.who(), withData ? "{\"with_data\":true}" : "{}");
        } catch (SQLException e) {
            closeQuietly(lock);
            throw new DeployException("cannot record the rollback: " + e.getMessage(), e);
        }
        Thread.ofVirtual().name("rollback-" + id).start(() -> {
            try (lock) {
                runRollback(id, spec, req, live, target, dataBackup);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "rollback " + id + " ended abnormally", e);
                finish(id, "failed", null, "internal error: " + e);
            }
        });
        return id;
    }

    /** What a deploy would do, changing nothing but the git mirror (which only caches the repository). */
    public Map<String, Object> plan(AppSpec spec, DeployRequest req) throws DeployException {
        DeploySpec d = requireDeploy(spec);
        refuseRefWithoutGit(spec, req);
        // The plan updates the git mirror: not while a deploy of the app uses it.
        try (DeployLock ignored = lock(d, spec.name(), req.who())) {
            return planLocked(spec, d, req);
        } catch (IOException e) {
            throw new DeployException("cannot release the deploy lock: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> planLocked(AppSpec spec, DeploySpec d, DeployRequest req) throws DeployException {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("app", spec.name());
        plan.put("path", d.path().toString());
        plan.put("source", describe(d.source()));
        String live = currentRelease(d).orElse(null);
        plan.put("live_release", live);
        List<String> log = new ArrayList<>();
        if (d.source() instanceof DeploySpec.GitSource) {
            ReleaseSources.Resolved r = ReleaseSources.resolve(d.source(), req.ref(), d.path().resolve("repo.git"), FETCH_TIMEOUT, log::add);
            plan.put("ref", r.ref());
            plan.put("commit", r.commit());
            String liveCommit = live == null ? null : release(spec.name(), live).map(Release::commit).orElse(null);
            plan.put("live_commit", liveCommit);
            plan.put("commits", ReleaseSources.commitRange(d.path().resolve("repo.git"), liveCommit, r.commit(), FETCH_TIMEOUT));
            if (r.commit() != null && r.commit().equals(liveCommit) && !req.force()) {
                plan.put("note", "that commit is already live: nothing to deploy (--force deploys it again)");
            }
        } else {
            ReleaseSources.resolve(d.source(), req.ref(), d.path().resolve("repo.git"), FETCH_TIMEOUT, log::add);
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        for (DeploySpec.Step s : d.steps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", s.name());
            m.put("command", s.run());
            m.put("timeout", Units.duration(s.timeout()));
            String skipped = skipReason(s.name(), req);
            if (skipped != null) m.put("skipped", skipped);
            steps.add(m);
        }
        plan.put("steps", steps);
        plan.put("before_switch", d.beforeSwitch());
        plan.put("after_switch", d.afterSwitch());
        plan.put("backups", d.backup() == null ? "none: the app has no deploy.backup"
                : req.noBackup() ? "none (--no-backup)"
                : d.steps().stream().anyMatch(s -> s.name().equals("migrate")) ? "backup " + d.backup() + " before migrate"
                : "none: there is no migrate step");
        plan.put("preflight", !d.preflight() ? "none (deploy.preflight: false)" : spec.port() == null ? "none: the app has no port"
                : "one process of the new release on a private port, beside the running app" + (d.health() != null ? ", GET " + d.health() : ""));
        plan.put("restart", spec.instances() > 1 ? "one instance at a time onto the new release, each ready before the next" : "restart");
        plan.put("health_gate", "every instance ready, then " + Units.duration(d.settle()) + " under watch"
                + (d.health() != null ? " with GET " + d.health() + " answering 200" : ""));
        plan.put("prune", prunable(spec.name(), d, live, "(new)"));
        return plan;
    }

    /** An interrupted cut-over to undo once the apps are recovered (see finishRecovery). */
    private record GoBack(long deployment, String app, String release, Path deployPath) { }

    private final List<GoBack> goBack = new CopyOnWriteArrayList<>();

    /**
     * At daemon start: deployments a dead daemon left running are marked interrupted. A release
     * that no instance can run yet is removed. One that instances may already run (the app is
     * registered from its recorded copy, or `current` points at it) stays until finishRecovery
     * has brought the app back onto the previous release.
     */
    public List<Deployments.Deployment> recoverInterrupted() {
        try {
            List<Deployments.Deployment> interrupted = records.interruptRunning("interrupted: the berth daemon stopped during it");
            for (Deployments.Deployment dep : interrupted) {
                if (dep.release() == null) continue;
                Optional<Release> r = records.release(dep.app(), dep.release());
                if (r.isPresent()) stopLeftoverSteps(dep, Path.of(r.get().path()).getParent().getParent());
                if (r.isEmpty() || !r.get().state().equals("building")) continue;
                Path dir = Path.of(r.get().path());
                Path recorded = recordedConfig(dep.app(), dep.release());
                boolean touched = isCurrent(dir) || apps.registeredConfig(dep.app()).map(recorded::equals).orElse(false);
                String previous = dep.previousRelease();
                if (!touched) {
                    FileTrees.delete(dir);
                    records.setReleaseState(dep.app(), dep.release(), "failed");
                } else if (previous != null && Files.isRegularFile(recordedConfig(dep.app(), previous))) {
                    records.setReleaseState(dep.app(), dep.release(), "rolled_back");
                    goBack.add(new GoBack(dep.id(), dep.app(), previous, dir.getParent().getParent()));
                } else {
                    records.setReleaseState(dep.app(), dep.release(), "failed"); // a first deploy: nothing to go back to; it keeps running
                }
            }
            return interrupted;
        } catch (SQLException | IOException e) {
            LOG.log(Level.WARNING, "cannot mark interrupted deployments", e);
            return List.of();
        }
    }

    /**
     * A step runs in a session of its own (StepRunner), so the daemon's death does not end it: an
     * `npm ci` or a build would go on writing into a release that is about to be removed. Its
     * environment names the deployment's app, release and path.
     */
    private static void stopLeftoverSteps(Deployments.Deployment dep, Path deployPath) {
        ProcessTree tree = new ProcessTree();
        for (long pid : tree.groupLeadersWithEnvironment(Map.of("BERTH_APP", dep.app(), "BERTH_RELEASE", dep.release(),
                "BERTH_DEPLOY_PATH", deployPath.toString()))) {
            tree.startTicks(pid).ifPresent(ticks -> tree.signalTree(pid, ticks, "KILL"));
            LOG.warning("deployment #" + dep.id() + " of " + dep.app() + ": stopped its step pid " + pid + ", left running by the previous daemon");
        }
    }

    /**
     * After the apps were recovered: each app whose cut-over a dead daemon interrupted goes back
     * to the release it left, in the background (only the instances not on it, one at a time),
     * under the app's deploy lock, and `current` points at that release again.
     */
    public void finishRecovery() {
        for (GoBack g : goBack) {
            long id = g.deployment();
            String app = g.app();
            String previous = g.release();
            Path deployPath = g.deployPath();
            Thread.ofVirtual().name("recover-" + id).start(() -> {
                try (DeployLock lock = DeployLock.acquire(deployPath, app, "berth (undoing the interrupted deployment #" + id + ")")) {
                    Outcome o = apps.goBack(app, recordedConfig(app, previous));
                    switchCurrent(deployPath, previous, line -> { });
                    records.finish(id, "interrupted", null, "interrupted: the berth daemon stopped during it; "
                            + (o.ok() ? "back on release " + previous + " (" + o.message() + ")" : "going back to release " + previous + " failed: " + o.message()));
                } catch (DeployException | IOException | SQLException | RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot undo the interrupted deployment #" + id, e);
                }
            });
        }
        goBack.clear();
    }

    // ---- the pipelines ----------------------------------------------------------------------

    private void runDeploy(long id, AppSpec spec, DeployRequest req, String previous) {
        DeploySpec d = spec.deploy();
        String app = spec.name();
        Path releases = d.path().resolve("releases");
        Path dir = null;
        String releaseId = null;
        // Set once an instance may run the new release: from then on a failure goes back.
        AtomicBoolean touched = new AtomicBoolean();
        try {
            Files.createDirectories(releases);
            Files.createDirectories(d.path().resolve("shared"));
            releaseId = newReleaseId(releases);
            dir = releases.resolve(releaseId);
            records.setRelease(id, releaseId, null);
            records.saveRelease(new Release(app, releaseId, dir.toString(), "building", null, req.ref(), System.currentTimeMillis(), id));

            // fetch
            Path finalDir = dir;
            String[] commit = new String[1];
            String[] fetchedRef = {req.ref()};
            String rid = releaseId;
            runInJava(id, "fetch", describe(d.source()), log -> {
                ReleaseSources.Fetched f = ReleaseSources.fetch(d.source(), req.ref(), d.path().resolve("repo.git"), finalDir,
                        FETCH_TIMEOUT, log);
                commit[0] = f.commit();
                if (f.ref() != null) fetchedRef[0] = f.ref();
                records.setRelease(id, rid, f.commit());
                records.saveRelease(new Release(app, rid, finalDir.toString(), "building", f.commit(), f.ref(), System.currentTimeMillis(), id));
            });
            recordConfig(id, spec, req, releaseId);
            if (commit[0] != null && !req.force() && previous != null) {
                String liveCommit = release(app, previous).map(Release::commit).orElse(null);
                if (commit[0].equals(liveCommit)) {
                    throw new StepFailure("fetch", "commit " + commit[0].substring(0, 12) + " is already live in release " + previous
                            + "; nothing to deploy (--force deploys it again)");
                }
            }
            if (!d.shared().isEmpty()) runInJava(id, "link shared", String.join(", ", d.shared()), log -> linkShared(d, finalDir, log));
            for (DeploySpec.Step s : d.steps()) {
                if (s.name().equals("migrate") && d.backup() != null) backupBeforeMigrate(id, d, req);
                String skip = skipReason(s.name(), req);
                if (skip != null) {
                    records.stepSkipped(id, next(id), s.name(), s.run(), skip);
                    continue;
                }
                runShell(id, s.name(), s.run(), s.timeout(), finalDir, spec, releaseId);
            }
            for (String hook : d.beforeSwitch()) runShell(id, "before_switch", hook, d.settle().plusMinutes(10), finalDir, spec, releaseId);

            cutOver(id, spec, req, releaseId, finalDir, configOf(app, releaseId, req), true, touched);
            records.saveRelease(new Release(app, releaseId, dir.toString(), "good", commit[0], fetchedRef[0], System.currentTimeMillis(), id));
            runInJava(id, "prune", "keep " + d.keepReleases() + " good releases", log -> prune(app, d, rid, log));
            finish(id, "succeeded", null, "release " + releaseId + " is live" + (commit[0] != null ? " (" + commit[0].substring(0, 12) + ")" : ""));
        } catch (StepFailure f) {
            fail(id, spec, req, d, releaseId, dir, previous, touched.get(), f.step, f.getMessage());
        } catch (Exception e) {
            fail(id, spec, req, d, releaseId, dir, previous, touched.get(), null, e.toString());
        }
    }

    /**
     * Moves traffic onto a release, shared by deploy, quick and rollback: a preflight beside the
     * running app (a release that fails it never takes traffic), the instances one at a time onto
     * the release's directory and recorded configuration (each ready before the next), then
     * `current`, the after_switch hooks and the health gate. `current` moves only once every
     * instance runs the release, so an instance brought back on a failure never runs it.
     *
     * @param touched set once an instance may run the release: a failure after it must go back
     */
    private void cutOver(long id, AppSpec spec, DeployRequest req, String releaseId, Path dir, Path config, boolean preflight,
                         AtomicBoolean touched) throws Exception {
        DeploySpec d = spec.deploy();
        if (preflight) {
            runInJava(id, "preflight", "one process of release " + releaseId + " beside the running app, on a private port"
                    + (d.health() != null ? ", GET " + d.health() : ""), log -> log.accept(apps.preflight(config, req, spec, port -> healthProblem(d, port))));
        }
        touched.set(true);
        runInJava(id, "restart", spec.instances() > 1 ? "one instance at a time, each ready before the next" : "restart", log -> {
            Outcome o = apps.restart(config, req, spec, false);
            if (!o.ok()) {
                throw new StepFailure("restart", o.message() + (o.details().isEmpty() ? "" : ": " + String.join("; ", o.details())));
            }
            log.accept(o.message());
        });
        if (!releaseId.equals(currentRelease(d).orElse(null))) {
            runInJava(id, "switch", "current -> releases/" + releaseId, log -> switchCurrent(d.path(), releaseId, log));
        }
        for (String hook : d.afterSwitch()) runShell(id, "after_switch", hook, Duration.ofMinutes(10), dir, spec, releaseId);
        runInJava(id, "health gate", "watch " + Units.duration(d.settle()) + (d.health() != null ? ", GET " + d.health() : ""),
                log -> settle(spec, log));
    }

    /** The deploy's health path on a preflight's port: null when it answers 200 (one retry: a dropped connection is no verdict). */
    private static String healthProblem(DeploySpec d, int port) {
        if (d.health() == null) return null;
        String problem = httpProblem(port, d.health());
        if (problem == null) return null;
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem;
        }
        problem = httpProblem(port, d.health());
        return problem == null ? null : "GET " + d.health() + " " + problem;
    }

    private void runQuick(long id, AppSpec spec, DeployRequest req, String live) {
        try {
            cutOver(id, spec, req, live, spec.deploy().path().resolve("releases").resolve(live), req.config(), true,
                    new AtomicBoolean());
            finish(id, "succeeded", null, "restarted release " + live);
        } catch (StepFailure f) {
            finish(id, "failed", f.step, f.getMessage());
        } catch (Exception e) {
            finish(id, "failed", null, e.toString());
        }
    }

    private void runRollback(long id, AppSpec spec, DeployRequest req, String live, String target, Long dataBackup) {
        DeploySpec d = spec.deploy();
        AtomicBoolean touched = new AtomicBoolean();
        try {
            Path config = configOf(spec.name(), target, req);
            if (dataBackup != null) {
                runInJava(id, "restore data", "backup #" + dataBackup + " (taken before release " + live + "'s migrations)", log -> {
                    backups.restore(config, dataBackup, req.variables());
                    log.accept("restored backup #" + dataBackup);
                });
            }
            try {
                // After a data restore the live release may not run on the data any more: no preflight to keep it serving for.
                cutOver(id, spec, req, target, d.path().resolve("releases").resolve(target), config, dataBackup == null, touched);
            } catch (StepFailure f) {
                if (!touched.get()) {
                    finish(id, "failed", f.step, f.getMessage() + "; release " + live + " is still live, untouched");
                    return;
                }
                // The release we left is still on disk and was good: go back to it.
                switchBack(id, spec, req, live, f.getMessage());
                finish(id, "failed", f.step, f.getMessage() + "; back on release " + live);
                return;
            }
            // The release left was good: it is superseded by the rollback, not failed (and it can be rolled back to).
            records.setReleaseState(spec.name(), live, "superseded");
            records.setReleaseState(spec.name(), target, "good");
            finish(id, "succeeded", null, "release " + target + " is live again (was " + live + ")");
        } catch (StepFailure f) {
            finish(id, "failed", f.step, f.getMessage());
        } catch (Exception e) {
            finish(id, "failed", null, e.toString());
        }
    }

    private void fail(long id, AppSpec spec, DeployRequest req, DeploySpec d, String releaseId, Path dir, String previous,
                      boolean touched, String step, String message) {
        String app = spec.name();
        try {
            if (!touched) {
                // Nothing live changed: the half-built release goes, its record stays as failed.
                if (dir != null) FileTrees.delete(dir);
                if (releaseId != null) records.setReleaseState(app, releaseId, "failed");
                finish(id, "failed", step, message);
                return;
            }
            if (previous == null) {
                // A first deploy failed after its switch: there is nothing to go back to.
                apps.stop(app);
                Files.deleteIfExists(d.path().resolve("current"));
                records.setReleaseState(app, releaseId, "failed");
                finish(id, "failed", step, message + "; no earlier release to roll back to: the app is stopped");
                return;
            }
            switchBack(id, spec, req, previous, message);
            records.setReleaseState(app, releaseId, "rolled_back");
            finish(id, "rolled_back", step, message + "; rolled back to release " + previous);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "deployment " + id + ": cleaning up after a failure failed", e);
            finish(id, "failed", step, message + "; and then: " + e);
        }
    }

    /**
     * Back to `release` after a failure: only the instances that run something else are restarted,
     * one at a time, each ready before the next (those that never left keep serving); `current`
     * points at it again.
     */
    private void switchBack(long id, AppSpec spec, DeployRequest req, String release, String why) throws Exception {
        DeploySpec d = spec.deploy();
        runInJava(id, "rollback", "back to release " + release + " (" + why + ")", log -> {
            Outcome o = apps.restart(configOf(spec.name(), release, req), req, spec, true);
            log.accept(o.message());
            if (!release.equals(currentRelease(d).orElse(null))) switchCurrent(d.path(), release, log);
            if (!o.ok()) throw new StepFailure("rollback", "the previous release did not come back either: " + o.message()
                    + (o.details().isEmpty() ? "" : ": " + String.join("; ", o.details())));
        });
    }

    // ---- steps ------------------------------------------------------------------------------

    @FunctionalInterface
    private interface JavaStep {
        void run(Consumer<String> log) throws Exception;
    }

    /** A step Berth does itself, logged like the others. */
    private void runInJava(long id, String name, String what, JavaStep body) throws Exception {
        int seq = next(id);
        Path log = logFile(id, seq, name);
        records.stepStarted(id, seq, name, what, log.toString());
        StringBuilder text = new StringBuilder();
        Consumer<String> logger = line -> text.append(line).append('\n');
        try {
            body.run(logger);
            write(log, text);
            records.stepFinished(id, seq, "ok", null);
        } catch (StepFailure f) {
            write(log, text.append(f.getMessage()).append('\n'));
            records.stepFinished(id, seq, "failed", f.getMessage());
            throw f;
        } catch (DeployException | IOException e) {
            write(log, text.append(e.getMessage()).append('\n'));
            records.stepFinished(id, seq, "failed", e.getMessage());
            throw new StepFailure(name, name + " failed: " + e.getMessage() + "; log: " + log);
        }
    }

    private void runShell(long id, String name, String command, Duration timeout, Path dir, AppSpec spec, String releaseId)
            throws Exception {
        int seq = next(id);
        Path log = logFile(id, seq, name);
        records.stepStarted(id, seq, name, command, log.toString());
        Map<String, String> env = new LinkedHashMap<>(Supervisor.loginEnvironment(System.getenv()));
        env.putAll(spec.env());
        env.put("BERTH_APP", spec.name());
        env.put("BERTH_RELEASE", releaseId);
        env.put("BERTH_RELEASE_DIR", dir.toString());
        env.put("BERTH_DEPLOY_PATH", spec.deploy().path().toString());
        StepRunner.Result r = StepRunner.run(command, dir, env, log, timeout);
        if (r.ok()) {
            records.stepFinished(id, seq, "ok", null);
            return;
        }
        String why = r.timedOut() ? "timed out after " + Units.duration(timeout) : "exited with code " + r.exitCode();
        String tail = StepRunner.tail(log, 5);
        String message = name + " failed: `" + command + "` " + why + "; log: " + log + (tail.isBlank() ? "" : "\n" + tail);
        records.stepFinished(id, seq, "failed", why);
        throw new StepFailure(name, message);
    }

    private static String skipReason(String step, DeployRequest req) {
        if (step.equals("test") && req.skipTests()) return "--skip-tests";
        if (step.equals("build") && req.skipBuild()) return "--skip-build";
        return null;
    }

    /** The database as it was before this release's migrations: what `rollback --with-data` brings back. */
    private void backupBeforeMigrate(long id, DeploySpec d, DeployRequest req) throws Exception {
        if (req.noBackup()) {
            records.stepSkipped(id, next(id), "backup", d.backup(), "--no-backup");
            return;
        }
        runInJava(id, "backup", "backup " + d.backup() + " before migrate", log -> {
            long backupId = backups.take(req.config(), d.backup(), req.variables(), "deploy #" + id);
            records.setBackup(id, backupId);
            log.accept("backup #" + backupId + " of " + d.backup());
        });
    }

    /** The backup taken before the migrations of the deployment that made `release` live. */
    private long backupBefore(String app, String release) throws DeployException {
        try {
            for (Deployments.Deployment dep : records.list(app, 1000)) {
                if (dep.kind().equals("deploy") && release.equals(dep.release()) && dep.state().equals("succeeded")) {
                    if (dep.backupId() != null) return dep.backupId();
                    throw new DeployException("deployment #" + dep.id() + " (release " + release + ") took no database backup before its"
                            + " migrations" + (dep.optionsJson().contains("\"no_backup\":true") ? " (it ran with --no-backup)" : " (its app has no deploy.backup)")
                            + ": nothing to restore --with-data; roll back without it");
                }
            }
        } catch (SQLException e) {
            throw new DeployException("cannot read the deploy history: " + e.getMessage(), e);
        }
        throw new DeployException("no successful deployment made release " + release + " live: nothing to restore --with-data");
    }

    // ---- recorded configuration ---------------------------------------------------------------

    /** Keeps the berth.yml and env files this release was deployed with (see RecordedConfig). */
    private void recordConfig(long id, AppSpec spec, DeployRequest req, String releaseId) throws Exception {
        if (req.config() == null) return;
        runInJava(id, "record config", "berth.yml and env files of this release", log -> {
            BerthFile file;
            try {
                file = new BerthFileLoader(req.variables(), logRoot).load(req.config(), req.profile());
            } catch (ConfigException e) {
                throw new StepFailure("record config", req.config() + " no longer loads: " + e.problems().get(0));
            }
            Path copy = RecordedConfig.record(recordRoot.resolve(spec.name()).resolve(releaseId), file, req.profile(), req.variables(), secrets,
                    spec.name(), releaseId);
            log.accept("recorded " + file.inputs().size() + " file(s) in " + copy.getParent());
        });
    }

    /** Where the berth.yml a release was deployed with is recorded (see recordConfig). */
    private Path recordedConfig(String app, String releaseId) {
        return recordRoot.resolve(app).resolve(releaseId).resolve("berth.yml");
    }

    /** The configuration a release was deployed with, when it was recorded; else today's berth.yml. */
    private Path configOf(String app, String releaseId, DeployRequest req) {
        Path recorded = recordedConfig(app, releaseId);
        return Files.isRegularFile(recorded) ? recorded : req.config();
    }

    // ---- releases on disk -------------------------------------------------------------------

    private void linkShared(DeploySpec d, Path release, Consumer<String> log) throws IOException, StepFailure {
        Path shared = d.path().resolve("shared");
        for (String entry : d.shared()) {
            boolean isDir = entry.endsWith("/");
            String name = isDir ? entry.substring(0, entry.length() - 1) : entry;
            Path target = shared.resolve(name);
            if (isDir) {
                Files.createDirectories(target);
            } else if (!Files.exists(target)) {
                throw new StepFailure("link shared", "shared file " + target + " does not exist: create it (it is linked into every"
                        + " release as " + name + "), or mark a directory with a trailing /");
            }
            Path link = release.resolve(name);
            Files.createDirectories(link.getParent());
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) FileTrees.delete(link); // the release's own copy gives way
            Files.createSymbolicLink(link, target);
            log.accept(name + " -> " + target);
        }
    }

    /** Atomic: a new link next to `current`, renamed over it. Readers always see a complete release. */
    private static void switchCurrent(Path base, String releaseId, Consumer<String> log) throws IOException {
        Path current = base.resolve("current");
        Path tmp = base.resolve(".current.new");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of("releases", releaseId));
        Files.move(tmp, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.accept("current -> releases/" + releaseId);
    }

    private void settle(AppSpec spec, Consumer<String> log) throws StepFailure, InterruptedException {
        DeploySpec d = spec.deploy();
        AppStatus first = apps.status(spec.name()).orElseThrow(() -> new StepFailure("health gate", spec.name() + " is not supervised"));
        Map<Integer, Long> pids = new LinkedHashMap<>();
        for (InstanceStatus i : first.instances()) {
            if (!"running".equals(i.state())) {
                throw new StepFailure("health gate", "instance " + i.index() + " is " + i.state() + (i.reason() != null ? ": " + i.reason() : ""));
            }
            pids.put(i.index(), i.pid());
        }
        long end = System.nanoTime() + d.settle().toNanos();
        Map<Integer, Integer> healthFailures = new LinkedHashMap<>();
        do {
            AppStatus now = apps.status(spec.name()).orElseThrow(() -> new StepFailure("health gate", spec.name() + " is no longer supervised"));
            for (InstanceStatus i : now.instances()) {
                Long was = pids.get(i.index());
                if (!"running".equals(i.state()) || (was != null && !was.equals(i.pid()))) {
                    throw new StepFailure("health gate", "instance " + i.index() + " of " + spec.name() + " exited during the "
                            + Units.duration(d.settle()) + " settle window" + (i.reason() != null ? ": " + i.reason() : ""));
                }
                if (d.health() != null && i.port() != null) {
                    String problem = httpProblem(i.port(), d.health());
                    int n = problem == null ? 0 : healthFailures.getOrDefault(i.index(), 0) + 1;
                    healthFailures.put(i.index(), n);
                    // Two failures in a row: one dropped connection during a reload is not a verdict.
                    if (n >= 2) {
                        throw new StepFailure("health gate", "GET " + d.health() + " on instance " + i.index() + " (port " + i.port() + "): "
                                + problem);
                    }
                }
            }
            Thread.sleep(Math.min(500, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        } while (System.nanoTime() < end);
        log.accept("all " + pids.size() + " instance(s) stayed up for " + Units.duration(d.settle())
                + (d.health() != null ? " with " + d.health() + " answering 200" : ""));
    }

    private static String httpProblem(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(3000);
            int status = c.getResponseCode();
            c.disconnect();
            return status == 200 ? null : "answered " + status;
        } catch (IOException e) {
            return "no answer (" + e.getMessage() + ")";
        }
    }

    private void prune(String app, DeploySpec d, String live, Consumer<String> log) throws SQLException, IOException {
        for (String id : prunable(app, d, live, live)) {
            Optional<Release> r = records.release(app, id);
            if (r.isEmpty()) continue;
            FileTrees.delete(Path.of(r.get().path()));
            FileTrees.delete(recordRoot.resolve(app).resolve(id));
            records.setReleaseState(app, id, "pruned");
            log.accept("pruned " + id);
        }
        // Failed and rolled-back releases never count toward keep_releases; their directories go too.
        for (Release r : records.releases(app)) {
            if ((r.state().equals("failed") || r.state().equals("rolled_back")) && Files.exists(Path.of(r.path()))
                    && !r.id().equals(live) && !isCurrent(Path.of(r.path()))) {
                FileTrees.delete(Path.of(r.path()));
                log.accept("removed " + r.state() + " release " + r.id());
            }
        }
    }

    /**
     * Good releases beyond keep_releases, oldest last; never the live one, never the newest good
     * one. {@code incoming} counts as the newest good release (a plan's "(new)").
     */
    private List<String> prunable(String app, DeploySpec d, String live, String incoming) {
        List<String> good = new ArrayList<>();
        try {
            if (incoming != null && !incoming.equals(live)) good.add(incoming);
            for (Release r : records.releases(app)) {
                if ((r.state().equals("good") || r.state().equals("superseded")) && !good.contains(r.id())) good.add(r.id());
            }
        } catch (SQLException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = d.keepReleases(); i < good.size(); i++) {
            String id = good.get(i);
            if (!id.equals(live) && i > 0) out.add(id);
        }
        return out;
    }

    private Optional<String> previousGood(String app, String live) throws DeployException {
        try {
            boolean afterLive = false;
            for (Release r : records.releases(app)) {
                if (r.id().equals(live)) {
                    afterLive = true;
                    continue;
                }
                if (afterLive && r.state().equals("good")) return Optional.of(r.id());
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new DeployException("cannot read the releases: " + e.getMessage(), e);
        }
    }

    /** The ids of the app's releases, as `berth releases` lists them (newest first). */
    private List<String> releaseIds(String app) throws DeployException {
        try {
            return records.releases(app).stream().map(Release::id).toList();
        } catch (SQLException e) {
            throw new DeployException("cannot read the releases: " + e.getMessage(), e);
        }
    }

    private Optional<Release> release(String app, String id) {
        try {
            return records.release(app, id);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** The release `current` points at, from the link itself (the truth on disk). */
    public static Optional<String> currentRelease(DeploySpec d) {
        try {
            Path target = Files.readSymbolicLink(d.path().resolve("current"));
            return Optional.of(target.getFileName().toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static List<String> releasesOnDisk(DeploySpec d) {
        try (var s = Files.list(d.path().resolve("releases"))) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static boolean isCurrent(Path dir) {
        try {
            Path current = dir.getParent().getParent().resolve("current");
            return Files.exists(current) && Files.isSameFile(current, dir);
        } catch (IOException | NullPointerException e) {
            return false;
        }
    }

    /** yyyyMMdd-HHmmss in UTC, with -2, -3 ... when two deploys land in the same second. */
    private static String newReleaseId(Path releases) throws IOException {
        LocalDateTime t = LocalDateTime.now(ZoneOffset.UTC);
        String base = String.format("%04d%02d%02d-%02d%02d%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond());
        for (int n = 1; ; n++) {
            String id = n == 1 ? base : base + "-" + n;
            try {
                Files.createDirectory(releases.resolve(id));
                return id;
            } catch (FileAlreadyExistsException e) {
                // taken: try the next suffix
            }
        }
    }

    private static String describe(DeploySpec.Source s) {
        return switch (s) {
            case DeploySpec.GitSource g -> "git " + ReleaseSources.redact(g.repository()) + (g.branch() != null ? " (" + g.branch() + ")" : "");
            case DeploySpec.DirSource dir -> "dir " + dir.dir();
            case DeploySpec.ArchiveSource a -> "archive " + a.file();
        };
    }

    private static DeploySpec requireDeploy(AppSpec spec) throws DeployException {
        if (spec.deploy() == null) {
            throw new DeployException(spec.name() + " has no deploy section in its berth.yml (see docs/berth-yml.md, deploy)");
        }
        return spec.deploy();
    }

    private static void refuseRefWithoutGit(AppSpec spec, DeployRequest req) throws DeployException {
        if (req.ref() != null && !(spec.deploy().source() instanceof DeploySpec.GitSource)) {
            throw new DeployException("--ref picks a git branch, tag or commit, and " + spec.name() + " deploys from "
                    + describe(spec.deploy().source()));
        }
    }

    private static DeployLock lock(DeploySpec d, String app, String who) throws DeployException {
        try {
            return DeployLock.acquire(d.path(), app, who);
        } catch (IOException e) {
            throw new DeployException("cannot lock " + d.path() + " for the deploy: " + e.getMessage(), e);
        }
    }

    /** Step numbers of running deployments, in the order the steps ran. */
    private final Map<Long, AtomicInteger> steps = new ConcurrentHashMap<>();

    private int next(long id) {
        return steps.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }

    private Path logFile(long id, int seq, String name) {
        return logRoot.resolve(String.valueOf(id)).resolve(String.format("%02d-%s.log", seq, name.replace(' ', '-')));
    }

    private static void write(Path log, CharSequence text) throws IOException {
        PrivateFiles.directories(log.getParent());
        PrivateFiles.append(log, text);
    }

    private void finish(long id, String state, String step, String message) {
        steps.remove(id);
        try {
            records.finish(id, state, step, message);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "cannot record the end of deployment " + id, e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing
        }
    }

}
