package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.DeploySpec;
import dev.berth.files.FileTrees;
import dev.berth.files.PrivateFiles;
import dev.berth.store.Deployments;
import dev.berth.supervisor.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which release is live: the `current` link, switched atomically, and the way back when a
 * cut-over fails (or a dead daemon interrupted one): only the instances that run something else
 * go back, and `current` points at the release they left.
 */
final class ReleaseSwitch {
    private static final Logger LOG = Logger.getLogger(ReleaseSwitch.class.getName());

    private final Deployments records;
    private final AppControl apps;
    private final DeploymentSteps steps;
    private final KeptReleases releases;

    ReleaseSwitch(Deployments records, AppControl apps, DeploymentSteps steps, KeptReleases releases) {
        this.records = records;
        this.apps = apps;
        this.steps = steps;
        this.releases = releases;
    }

    /** Atomic: a new link beside `current`, renamed over it. Readers always see a complete release. */
    static void switchTo(Path base, String releaseId, Consumer<String> log) throws IOException {
        PrivateFiles.replaceSymbolicLink(base.resolve("current"), Path.of("releases", releaseId));
        log.accept("current -> releases/" + releaseId);
    }

    /** The release `current` points at, from the link itself (the truth on disk). */
    static Optional<String> current(Path base) {
        try {
            Path target = Files.readSymbolicLink(base.resolve("current"));
            return Optional.of(target.getFileName().toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * Back onto {@code release}: {@code restart} moves only the instances that run something else,
     * one at a time, each ready before the next (those that never left keep serving); then
     * `current` points at the release again, whether or not every instance came back.
     */
    static Outcome backOnto(Path base, String release, Supplier<Outcome> restart, Consumer<String> log) throws IOException {
        Outcome o = restart.get();
        log.accept(o.message());
        if (!release.equals(current(base).orElse(null))) switchTo(base, release, log);
        return o;
    }

    /** {@link #backOnto} after a failed cut-over, as the deployment's "rollback" step. */
    void switchBack(long id, AppSpec spec, DeployRequest req, String release, String why) throws Exception {
        steps.runInJava(id, "rollback", "back to release " + release + " (" + why + ")", log -> {
            Outcome o = backOnto(spec.deploy().path(), release,
                    () -> apps.restart(releases.configOf(spec.name(), release, req), req, spec, true), log);
            if (!o.ok()) throw new StepFailure("rollback", "the previous release did not come back either: " + o.message()
                    + (o.details().isEmpty() ? "" : ": " + String.join("; ", o.details())));
        });
    }

    /**
     * After a deploy's step failed: before any instance could run the release, the half-built
     * release goes and nothing live changed; after, the app goes back to the previous release
     * (or, for a first deploy, stops: there is nothing to go back to). Records the end.
     *
     * @param touched whether an instance may already run the release
     */
    void afterFailedDeploy(long id, AppSpec spec, DeployRequest req, String releaseId, Path dir, String previous,
                           boolean touched, String step, String message) {
        String app = spec.name();
        DeploySpec d = spec.deploy();
        try {
            if (!touched) {
                // Nothing live changed: the half-built release goes, its record stays as failed.
                if (dir != null) FileTrees.delete(dir);
                if (releaseId != null) records.setReleaseState(app, releaseId, "failed");
                steps.finish(id, "failed", step, message);
                return;
            }
            if (previous == null) {
                // A first deploy failed after its switch: there is nothing to go back to.
                apps.stop(app);
                Files.deleteIfExists(d.path().resolve("current"));
                records.setReleaseState(app, releaseId, "failed");
                steps.finish(id, "failed", step, message + "; no earlier release to roll back to: the app is stopped");
                return;
            }
            switchBack(id, spec, req, previous, message);
            records.setReleaseState(app, releaseId, "rolled_back");
            steps.finish(id, "rolled_back", step, message + "; rolled back to release " + previous);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "deployment " + id + ": cleaning up after a failure failed", e);
            steps.finish(id, "failed", step, message + "; and then: " + e);
        }
    }
}
