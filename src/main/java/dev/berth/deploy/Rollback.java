package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.DeploySpec;
import dev.berth.store.Deployments;
import dev.berth.store.StoreException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Going back to a kept release: the data first when asked (the backup taken before the live
 * release's migrations), then a cut-over onto it; if that cut-over fails once instances moved,
 * back onto the release that was live.
 */
final class Rollback {
    private final Deployments records;
    private final DeploymentSteps steps;
    private final KeptReleases releases;
    private final CutOver cutOver;
    private final ReleaseSwitch releaseSwitch;
    private final DataBackups backups;

    Rollback(Deployments records, DeploymentSteps steps, KeptReleases releases, CutOver cutOver, ReleaseSwitch releaseSwitch,
             DataBackups backups) {
        this.records = records;
        this.steps = steps;
        this.releases = releases;
        this.cutOver = cutOver;
        this.releaseSwitch = releaseSwitch;
        this.backups = backups;
    }

    /** The backup taken before the migrations of the deployment that made `release` live. */
    long backupBefore(String app, String release) throws DeployException {
        try {
            for (Deployments.Deployment dep : records.list(app, 1000)) {
                if (dep.kind().equals("deploy") && release.equals(dep.release()) && dep.state().equals("succeeded")) {
                    if (dep.backupId() != null) return dep.backupId();
                    throw new DeployException("deployment #" + dep.id() + " (release " + release + ") took no database backup before its"
                            + " migrations" + (dep.optionsJson().contains("\"no_backup\":true") ? " (it ran with --no-backup)" : " (its app has no deploy.backup)")
                            + ": nothing to restore --with-data; roll back without it");
                }
            }
        } catch (StoreException e) {
            throw new DeployException("cannot read the deploy history: " + e.getMessage(), e);
        }
        throw new DeployException("no successful deployment made release " + release + " live: nothing to restore --with-data");
    }

    /** @param dataBackup the backup to restore first, or null to leave the data alone */
    void run(long id, AppSpec spec, DeployRequest req, String live, String target, Long dataBackup) {
        DeploySpec d = spec.deploy();
        AtomicBoolean touched = new AtomicBoolean();
        try {
            Path config = releases.configOf(spec.name(), target, req);
            if (dataBackup != null) {
                steps.runInJava(id, "restore data", "backup #" + dataBackup + " (taken before release " + live + "'s migrations)", log -> {
                    backups.restore(config, dataBackup, req.variables());
                    log.accept("restored backup #" + dataBackup);
                });
            }
            try {
                // After a data restore the live release may not run on the data any more: no preflight to keep it serving for.
                cutOver.run(id, spec, req, target, d.path().resolve("releases").resolve(target), config, dataBackup == null, touched);
            } catch (StepFailure f) {
                if (!touched.get()) {
                    steps.finish(id, "failed", f.step, f.getMessage() + "; release " + live + " is still live, untouched");
                    return;
                }
                // The release we left is still on disk and was good: go back to it.
                releaseSwitch.switchBack(id, spec, req, live, f.getMessage());
                steps.finish(id, "failed", f.step, f.getMessage() + "; back on release " + live);
                return;
            }
            // The release left was good: it is superseded by the rollback, not failed (and it can be rolled back to).
            records.setReleaseState(spec.name(), live, "superseded");
            records.setReleaseState(spec.name(), target, "good");
            steps.finish(id, "succeeded", null, "release " + target + " is live again (was " + live + ")");
        } catch (StepFailure f) {
            steps.finish(id, "failed", f.step, f.getMessage());
        } catch (Exception e) {
            steps.finish(id, "failed", null, e.toString());
        }
    }
}
