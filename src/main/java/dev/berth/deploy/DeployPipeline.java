package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.ConfigCache;
import dev.berth.config.ConfigException;
import dev.berth.config.DeploySpec;
import dev.berth.config.RecordedConfig;
import dev.berth.config.SecretBox;
import dev.berth.files.FileTrees;
import dev.berth.store.Deployments.Release;
import dev.berth.store.Deployments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A deploy's steps, in order: fetch the source into releases/&lt;id&gt;, record its berth.yml,
 * link shared, the build steps (a backup before migrate), before_switch, then the cut-over
 * (see {@link CutOver}) and prune. A quick deploy is the cut-over of the live release alone.
 * A failure is handed to {@link ReleaseSwitch#afterFailedDeploy}.
 */
final class DeployPipeline {
    static final Duration FETCH_TIMEOUT = Duration.ofMinutes(10);

    private final Deployments records;
    private final DeploymentSteps steps;
    private final KeptReleases releases;
    private final CutOver cutOver;
    private final ReleaseSwitch releaseSwitch;
    private final DataBackups backups;
    private final SecretBox secrets;
    private final ConfigCache configs;

    DeployPipeline(Deployments records, DeploymentSteps steps, KeptReleases releases, CutOver cutOver, ReleaseSwitch releaseSwitch,
                   DataBackups backups, SecretBox secrets, ConfigCache configs) {
        this.records = records;
        this.steps = steps;
        this.releases = releases;
        this.cutOver = cutOver;
        this.releaseSwitch = releaseSwitch;
        this.backups = backups;
        this.secrets = secrets;
        this.configs = configs;
    }

    void runDeploy(long id, AppSpec spec, DeployRequest req, String previous) {
        DeploySpec d = spec.deploy();
        String app = spec.name();
        Path releaseRoot = d.path().resolve("releases");
        Path dir = null;
        String releaseId = null;
        // Set once an instance may run the new release: from then on a failure goes back.
        AtomicBoolean touched = new AtomicBoolean();
        try {
            Files.createDirectories(releaseRoot);
            Files.createDirectories(d.path().resolve("shared"));
            releaseId = KeptReleases.newReleaseId(releaseRoot);
            dir = releaseRoot.resolve(releaseId);
            records.setRelease(id, releaseId, null);
            records.saveRelease(new Release(app, releaseId, dir.toString(), "building", null, req.ref(), System.currentTimeMillis(), id));

            // fetch
            Path finalDir = dir;
            String[] commit = new String[1];
            String[] fetchedRef = {req.ref()};
            String rid = releaseId;
            steps.runInJava(id, "fetch", describe(d.source()), log -> {
                ReleaseSources.Resolved f = ReleaseSources.fetch(d.source(), req.ref(), d.path().resolve("repo.git"), finalDir,
                        FETCH_TIMEOUT, log);
                commit[0] = f.commit();
                if (f.ref() != null) fetchedRef[0] = f.ref();
                records.setRelease(id, rid, f.commit());
                records.saveRelease(new Release(app, rid, finalDir.toString(), "building", f.commit(), f.ref(), System.currentTimeMillis(), id));
            });
            recordConfig(id, spec, req, releaseId);
            if (commit[0] != null && !req.force() && previous != null) {
                if (commit[0].equals(releases.commitOf(app, previous))) {
                    throw new StepFailure("fetch", "commit " + commit[0].substring(0, 12) + " is already live in release " + previous
                            + "; nothing to deploy (--force deploys it again)");
                }
            }
            if (!d.shared().isEmpty()) steps.runInJava(id, "link shared", String.join(", ", d.shared()), log -> linkShared(d, finalDir, log));
            for (DeploySpec.Step s : d.steps()) {
                if (s.name().equals("migrate") && d.backup() != null) backupBeforeMigrate(id, d, req);
                String skip = skipReason(s.name(), req);
                if (skip != null) {
                    steps.skipped(id, s.name(), s.run(), skip);
                    continue;
                }
                steps.runShell(id, s.name(), s.run(), s.timeout(), finalDir, spec, releaseId);
            }
            for (String hook : d.beforeSwitch()) steps.runShell(id, "before_switch", hook, d.settle().plusMinutes(10), finalDir, spec, releaseId);

            cutOver.run(id, spec, req, releaseId, finalDir, releases.configOf(app, releaseId, req), true, touched);
            records.saveRelease(new Release(app, releaseId, dir.toString(), "good", commit[0], fetchedRef[0], System.currentTimeMillis(), id));
            steps.runInJava(id, "prune", "keep " + d.keepReleases() + " good releases", log -> releases.prune(app, d, rid, log));
            steps.finish(id, "succeeded", null, "release " + releaseId + " is live" + (commit[0] != null ? " (" + commit[0].substring(0, 12) + ")" : ""));
        } catch (StepFailure f) {
            releaseSwitch.afterFailedDeploy(id, spec, req, releaseId, dir, previous, touched.get(), f.step, f.getMessage());
        } catch (Exception e) {
            releaseSwitch.afterFailedDeploy(id, spec, req, releaseId, dir, previous, touched.get(), null, e.toString());
        }
    }

    /** No new release: the live one is cut over again (preflight, restart, health gate). */
    void runQuick(long id, AppSpec spec, DeployRequest req, String live) {
        try {
            cutOver.run(id, spec, req, live, spec.deploy().path().resolve("releases").resolve(live), req.config(), true,
                    new AtomicBoolean());
            steps.finish(id, "succeeded", null, "restarted release " + live);
        } catch (StepFailure f) {
            steps.finish(id, "failed", f.step, f.getMessage());
        } catch (Exception e) {
            steps.finish(id, "failed", null, e.toString());
        }
    }

    /** A source as the fetch step and a plan name it; a git URL without its credentials. */
    static String describe(DeploySpec.Source s) {
        return switch (s) {
            case DeploySpec.GitSource g -> "git " + SourceTools.redact(g.repository()) + (g.branch() != null ? " (" + g.branch() + ")" : "");
            case DeploySpec.DirSource dir -> "dir " + dir.dir();
            case DeploySpec.ArchiveSource a -> "archive " + a.file();
        };
    }

    /** Why a build step does not run: a flag of the request, or null. */
    static String skipReason(String step, DeployRequest req) {
        if (step.equals("test") && req.skipTests()) return "--skip-tests";
        if (step.equals("build") && req.skipBuild()) return "--skip-build";
        return null;
    }

    /** The database as it was before this release's migrations: what `rollback --with-data` brings back. */
    private void backupBeforeMigrate(long id, DeploySpec d, DeployRequest req) throws Exception {
        if (req.noBackup()) {
            steps.skipped(id, "backup", d.backup(), "--no-backup");
            return;
        }
        steps.runInJava(id, "backup", "backup " + d.backup() + " before migrate", log -> {
            long backupId = backups.take(req.config(), d.backup(), req.variables(), "deploy #" + id);
            records.setBackup(id, backupId);
            log.accept("backup #" + backupId + " of " + d.backup());
        });
    }

    /** Keeps the berth.yml and env files this release was deployed with (see RecordedConfig). */
    private void recordConfig(long id, AppSpec spec, DeployRequest req, String releaseId) throws Exception {
        if (req.config() == null) return;
        steps.runInJava(id, "record config", "berth.yml and env files of this release", log -> {
            BerthFile file;
            try {
                file = configs.load(req.config(), req.profile(), req.variables()); // parsed already for this request unless edited since
            } catch (ConfigException e) {
                throw new StepFailure("record config", req.config() + " no longer loads: " + e.problems().get(0));
            }
            Path copy = RecordedConfig.record(releases.recordDir(spec.name(), releaseId), file, req.profile(), req.variables(), secrets,
                    spec.name(), releaseId);
            log.accept("recorded " + file.inputs().size() + " file(s) in " + copy.getParent());
        });
    }

    private static void linkShared(DeploySpec d, Path release, Consumer<String> log) throws IOException, StepFailure {
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
}
