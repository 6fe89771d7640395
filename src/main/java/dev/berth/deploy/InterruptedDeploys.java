package dev.berth.deploy;

import dev.berth.files.FileTrees;
import dev.berth.store.Deployments.Release;
import dev.berth.store.Deployments;
import dev.berth.store.StoreException;
import dev.berth.supervisor.Outcome;
import dev.berth.supervisor.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deployments a dead daemon left running: marked interrupted at the next start, their leftover
 * steps stopped, a release no instance can run yet removed, and a cut-over already under way
 * undone once the apps are recovered.
 */
final class InterruptedDeploys {
    private static final Logger LOG = Logger.getLogger(InterruptedDeploys.class.getName());

    /** An interrupted cut-over to undo once the apps are recovered (see finishRecovery). */
    private record GoBack(long deployment, String app, String release, Path deployPath) { }

    private final Deployments records;
    private final AppControl apps;
    private final KeptReleases releases;
    private final List<GoBack> goBack = new CopyOnWriteArrayList<>();

    InterruptedDeploys(Deployments records, AppControl apps, KeptReleases releases) {
        this.records = records;
        this.apps = apps;
        this.releases = releases;
    }

    /** See {@link Deployer#recoverInterrupted}. */
    List<Deployments.Deployment> recover() {
        try {
            List<Deployments.Deployment> interrupted = records.interruptRunning("interrupted: the berth daemon stopped during it");
            for (Deployments.Deployment dep : interrupted) {
                if (dep.release() == null) continue;
                Optional<Release> r = records.release(dep.app(), dep.release());
                if (r.isPresent()) stopLeftoverSteps(dep, Path.of(r.get().path()).getParent().getParent());
                if (r.isEmpty() || !r.get().state().equals("building")) continue;
                Path dir = Path.of(r.get().path());
                Path recorded = releases.recordedConfig(dep.app(), dep.release());
                boolean touched = KeptReleases.isCurrent(dir) || apps.registeredConfig(dep.app()).map(recorded::equals).orElse(false);
                String previous = dep.previousRelease();
                if (!touched) {
                    FileTrees.delete(dir);
                    records.setReleaseState(dep.app(), dep.release(), "failed");
                } else if (previous != null && Files.isRegularFile(releases.recordedConfig(dep.app(), previous))) {
                    records.setReleaseState(dep.app(), dep.release(), "rolled_back");
                    goBack.add(new GoBack(dep.id(), dep.app(), previous, dir.getParent().getParent()));
                } else {
                    records.setReleaseState(dep.app(), dep.release(), "failed"); // a first deploy: nothing to go back to; it keeps running
                }
            }
            return interrupted;
        } catch (StoreException | IOException e) {
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

    /** See {@link Deployer#finishRecovery}. */
    void finish() {
        for (GoBack g : goBack) {
            long id = g.deployment();
            String app = g.app();
            String previous = g.release();
            Thread.ofVirtual().name("recover-" + id).start(() -> {
                try (DeployLock lock = DeployLock.acquire(g.deployPath(), app, "berth (undoing the interrupted deployment #" + id + ")")) {
                    Outcome o = ReleaseSwitch.backOnto(g.deployPath(), previous,
                            () -> apps.goBack(app, releases.recordedConfig(app, previous)), line -> { });
                    records.finish(id, "interrupted", null, "interrupted: the berth daemon stopped during it; "
                            + (o.ok() ? "back on release " + previous + " (" + o.message() + ")" : "going back to release " + previous + " failed: " + o.message()));
                } catch (DeployException | IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot undo the interrupted deployment #" + id, e);
                }
            });
        }
        goBack.clear();
    }
}
