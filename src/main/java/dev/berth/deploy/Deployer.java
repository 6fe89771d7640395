package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.ConfigException;
import dev.berth.config.RecordedConfig;
import dev.berth.config.ConfigCache;
import dev.berth.config.DeploySpec;
import dev.berth.config.SecretBox;
import dev.berth.files.Names;
import dev.berth.json.Json;
import dev.berth.store.Deployments;
import dev.berth.store.StoreException;
import dev.berth.text.Units;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>This class starts the work and answers plans; the steps are {@link DeployPipeline}'s and
 * {@link CutOver}'s, the way back is {@link ReleaseSwitch}'s, {@link Rollback}'s and
 * {@link InterruptedDeploys}'.
 */
public final class Deployer {
    private static final Logger LOG = Logger.getLogger(Deployer.class.getName());

    private final Deployments records;
    private final DeploymentSteps steps;
    private final KeptReleases releases;
    private final DeployPipeline pipeline;
    private final Rollback rollbacks;
    private final InterruptedDeploys interrupted;
    private final AppControl apps;

    /**
     * @param logRoot    where each deployment's step logs go (BERTH_HOME/deploys)
     * @param recordRoot where each release's configuration is recorded (BERTH_HOME/releases)
     * @param configs    the daemon's parses of berth.yml files (a deploy reads its file through them)
     */
    public Deployer(Deployments records, AppControl apps, Path logRoot, Path recordRoot, DataBackups backups, SecretBox secrets,
                    ConfigCache configs) {
        this.records = records;
        this.apps = apps;
        this.steps = new DeploymentSteps(records, logRoot);
        this.releases = new KeptReleases(records, recordRoot);
        ReleaseSwitch releaseSwitch = new ReleaseSwitch(records, apps, steps, releases);
        CutOver cutOver = new CutOver(apps, steps, new HealthGate(apps));
        this.pipeline = new DeployPipeline(records, steps, releases, cutOver, releaseSwitch, backups, secrets, configs);
        this.rollbacks = new Rollback(records, steps, releases, cutOver, releaseSwitch, backups);
        this.interrupted = new InterruptedDeploys(records, apps, releases);
    }

    // ---- starting ---------------------------------------------------------------------------

    /**
     * Starts a deploy of app (or, with request.quick, a restart of the live release) and returns
     * its id at once; the pipeline runs on its own thread. The app is as the request's berth.yml
     * describes it, or as it is registered. A deploy already running for the app is refused here,
     * naming who runs it.
     */
    public long deploy(String app, DeployRequest req) throws DeployException, ConfigException {
        return deploy(specOf(app, req), withConfig(req, app));
    }

    /** Goes back to a kept release of app (see the AppSpec form). */
    public long rollback(String app, DeployRequest req, String releaseId, boolean withData) throws DeployException, ConfigException {
        return rollback(specOf(app, req), withConfig(req, app), releaseId, withData);
    }

    /** What a deploy of app would do (see the AppSpec form). */
    public DeployPlan plan(String app, DeployRequest req) throws DeployException, ConfigException {
        return plan(specOf(app, req), req);
    }

    /** The release app's `current` points at, if it has a deploy section and a live release. */
    public Optional<String> liveRelease(String app) throws ConfigException {
        AppSpec spec = apps.deployable(apps.registeredConfig(app).orElse(null), app, null, Map.of());
        return spec.deploy() == null ? Optional.empty() : ReleaseSwitch.current(spec.deploy().path());
    }

    private AppSpec specOf(String app, DeployRequest req) throws ConfigException {
        return apps.deployable(req.config(), app, req.profile(), req.variables());
    }

    /** Without a berth.yml of its own, a deploy reads the one the app is registered from (the real one, not a release's recorded copy). */
    private DeployRequest withConfig(DeployRequest req, String app) {
        if (req.config() != null) return req;
        Path registered = apps.registeredConfig(app).orElse(null);
        // After a rollback the app runs on a release's recorded copy; a new deploy reads the real berth.yml.
        if (registered != null) registered = RecordedConfig.of(registered, null).map(r -> r.original()).orElse(registered);
        return new DeployRequest(registered, req.profile(), req.variables(), req.ref(), req.skipTests(), req.skipBuild(),
                req.noBackup(), req.force(), req.quick(), req.who());
    }

    private long deploy(AppSpec spec, DeployRequest req) throws DeployException {
        DeploySpec d = requireDeploy(spec);
        refuseRefWithoutGit(spec, req);
        String previous = ReleaseSwitch.current(d.path()).orElse(null);
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
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw new DeployException("cannot record the deployment: " + e.getMessage(), e);
        }
        Thread.ofVirtual().name("deploy-" + id).start(() -> {
            try (lock) {
                if (req.quick()) pipeline.runQuick(id, spec, req, previous);
                else pipeline.runDeploy(id, spec, req, previous);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "deployment " + id + " ended abnormally", e);
                steps.finish(id, "failed", null, "internal error: " + e);
            }
        });
        return id;
    }

    /**
     * Goes back to a kept release (default: the newest good one before the live one). A release id
     * is a name Berth made: anything but the id of one of the app's listed releases is refused
     * (Names.Unknown), so it never reaches a path.
     */
    private long rollback(AppSpec spec, DeployRequest req, String releaseId, boolean withData) throws DeployException {
        DeploySpec d = requireDeploy(spec);
        if (releaseId != null) Names.requireListed("release", "of " + spec.name(), releaseId, releases.releaseIds(spec.name()));
        String live = ReleaseSwitch.current(d.path()).orElseThrow(() -> new DeployException(spec.name() + " has no live release to roll back from"));
        String target = releaseId != null ? releaseId : releases.previousGood(spec.name(), live)
                .orElseThrow(() -> new DeployException("no earlier good release of " + spec.name() + " to roll back to; `berth releases "
                        + spec.name() + "` lists them"));
        if (target.equals(live)) throw new DeployException("release " + target + " is already live");
        Path dir = d.path().resolve("releases").resolve(target);
        if (!Files.isDirectory(dir)) {
            // no such thing any more: exit 4 / 404, like an id Berth never made
            throw new Names.Unknown("release " + target + " of " + spec.name() + " is no longer on disk (" + dir
                    + " was pruned or removed); releases on disk: " + String.join(", ", KeptReleases.onDisk(d)));
        }
        Long dataBackup = withData ? rollbacks.backupBefore(spec.name(), live) : null;
        DeployLock lock = lock(d, spec.name(), req.who());
        long id;
        try {
            id = records.begin(spec.name(), "rollback", target, null, live, req.who(), withData ? "{\"with_data\":true}" : "{}");
        } catch (StoreException e) {
            closeQuietly(lock);
            throw new DeployException("cannot record the rollback: " + e.getMessage(), e);
        }
        Thread.ofVirtual().name("rollback-" + id).start(() -> {
            try (lock) {
                rollbacks.run(id, spec, req, live, target, dataBackup);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "rollback " + id + " ended abnormally", e);
                steps.finish(id, "failed", null, "internal error: " + e);
            }
        });
        return id;
    }

    /** What a deploy would do, changing nothing but the git mirror (which only caches the repository). */
    private DeployPlan plan(AppSpec spec, DeployRequest req) throws DeployException {
        DeploySpec d = requireDeploy(spec);
        refuseRefWithoutGit(spec, req);
        // The plan updates the git mirror: not while a deploy of the app uses it.
        try (DeployLock ignored = lock(d, spec.name(), req.who())) {
            return planLocked(spec, d, req);
        } catch (IOException e) {
            throw new DeployException("cannot release the deploy lock: " + e.getMessage(), e);
        }
    }

    private DeployPlan planLocked(AppSpec spec, DeploySpec d, DeployRequest req) throws DeployException {
        String live = ReleaseSwitch.current(d.path()).orElse(null);
        List<String> log = new ArrayList<>();
        Path mirror = d.path().resolve("repo.git");
        ReleaseSources.Resolved r = ReleaseSources.resolve(d.source(), req.ref(), mirror, DeployPipeline.FETCH_TIMEOUT, log::add);
        DeployPlan.GitPlan git = null;
        if (d.source() instanceof DeploySpec.GitSource) {
            String liveCommit = releases.commitOf(spec.name(), live);
            List<String> commits = GitMirror.commitRange(mirror, liveCommit, r.commit(), DeployPipeline.FETCH_TIMEOUT);
            String note = r.commit() != null && r.commit().equals(liveCommit) && !req.force()
                    ? "that commit is already live: nothing to deploy (--force deploys it again)" : null;
            git = new DeployPlan.GitPlan(r.ref(), r.commit(), liveCommit, commits, note);
        }
        List<DeployPlan.PlannedStep> planned = d.steps().stream()
                .map(s -> new DeployPlan.PlannedStep(s.name(), s.run(), Units.duration(s.timeout()), DeployPipeline.skipReason(s.name(), req)))
                .toList();
        String backups = d.backup() == null ? "none: the app has no deploy.backup"
                : req.noBackup() ? "none (--no-backup)"
                : d.steps().stream().anyMatch(s -> s.name().equals("migrate")) ? "backup " + d.backup() + " before migrate"
                : "none: there is no migrate step";
        String preflight = PreflightSkip.of(spec).map(skip -> skip.inPlan).orElse(
                "one process of the new release on a private port, beside the running app" + (d.health() != null ? ", GET " + d.health() : ""));
        String restart = spec.instances() > 1 ? "one instance at a time onto the new release, each ready before the next" : "restart";
        String healthGate = "every instance ready, then " + Units.duration(d.settle()) + " under watch"
                + (d.health() != null ? " with GET " + d.health() + " answering 200" : "");
        return new DeployPlan(spec.name(), d.path(), DeployPipeline.describe(d.source()), live, git, planned, d.beforeSwitch(), d.afterSwitch(),
                backups, preflight, restart, healthGate, releases.prunable(spec.name(), d, live, "(new)"));
    }

    /**
     * At daemon start: deployments a dead daemon left running are marked interrupted. A release
     * that no instance can run yet is removed. One that instances may already run (the app is
     * registered from its recorded copy, or `current` points at it) stays until finishRecovery
     * has brought the app back onto the previous release.
     */
    public List<Deployments.Deployment> recoverInterrupted() {
        return interrupted.recover();
    }

    /**
     * After the apps were recovered: each app whose cut-over a dead daemon interrupted goes back
     * to the release it left, in the background (only the instances not on it, one at a time),
     * under the app's deploy lock, and `current` points at that release again.
     */
    public void finishRecovery() {
        interrupted.finish();
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
                    + DeployPipeline.describe(spec.deploy().source()));
        }
    }

    private static DeployLock lock(DeploySpec d, String app, String who) throws DeployException {
        try {
            return DeployLock.acquire(d.path(), app, who);
        } catch (IOException e) {
            throw new DeployException("cannot lock " + d.path() + " for the deploy: " + e.getMessage(), e);
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
