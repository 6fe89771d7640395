package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.DeploySpec;
import dev.berth.supervisor.Outcome;
import dev.berth.text.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves traffic onto a release, shared by deploy, quick and rollback: a preflight beside the
 * running app (a release that fails it never takes traffic), the instances one at a time onto
 * the release's directory and recorded configuration (each ready before the next), then
 * `current`, the after_switch hooks and the health gate. `current` moves only once every
 * instance runs the release, so an instance brought back on a failure never runs it.
 */
final class CutOver {
    private final AppControl apps;
    private final DeploymentSteps steps;
    private final HealthGate gate;

    CutOver(AppControl apps, DeploymentSteps steps, HealthGate gate) {
        this.apps = apps;
        this.steps = steps;
        this.gate = gate;
    }

    /** @param touched set once an instance may run the release: a failure after it must go back */
    void run(long id, AppSpec spec, DeployRequest req, String releaseId, Path dir, Path config, boolean preflight,
             AtomicBoolean touched) throws Exception {
        DeploySpec d = spec.deploy();
        if (preflight) {
            steps.runInJava(id, "preflight", "one process of release " + releaseId + " beside the running app, on a private port"
                    + (d.health() != null ? ", GET " + d.health() : ""), log -> {
                Optional<PreflightSkip> skip = PreflightSkip.of(spec);
                log.accept(skip.isPresent() ? skip.get().inLog
                        : apps.preflight(config, req, spec, port -> HealthGate.preflightProblem(d, port)));
            });
        }
        touched.set(true);
        steps.runInJava(id, "restart", spec.instances() > 1 ? "one instance at a time, each ready before the next" : "restart", log -> {
            Outcome o = apps.restart(config, req, spec, false);
            if (!o.ok()) {
                throw new StepFailure("restart", o.message() + (o.details().isEmpty() ? "" : ": " + String.join("; ", o.details())));
            }
            log.accept(o.message());
        });
        if (!releaseId.equals(ReleaseSwitch.current(d.path()).orElse(null))) {
            steps.runInJava(id, "switch", "current -> releases/" + releaseId, log -> ReleaseSwitch.switchTo(d.path(), releaseId, log));
        }
        for (String hook : d.afterSwitch()) steps.runShell(id, "after_switch", hook, Duration.ofMinutes(10), dir, spec, releaseId);
        steps.runInJava(id, "health gate", "watch " + Units.duration(d.settle()) + (d.health() != null ? ", GET " + d.health() : ""),
                log -> gate.settle(spec, log));
    }
}
