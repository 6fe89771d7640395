package dev.berth.daemon;

import dev.berth.config.AppSpec;
import dev.berth.deploy.AppControl;
import dev.berth.deploy.DeployRequest;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.Outcome;
import dev.berth.supervisor.Supervisor;
import java.util.Optional;

/** Supervision as a deploy needs it, over the daemon's catalog and supervisor. */
final class DeployedApps implements AppControl {
    private final AppCatalog catalog;
    private final Supervisor supervisor;

    private final dev.berth.config.SecretBox secrets;

    DeployedApps(AppCatalog catalog, Supervisor supervisor, dev.berth.config.SecretBox secrets) {
        this.catalog = catalog;
        this.supervisor = supervisor;
        this.secrets = secrets;
    }

    @Override public Outcome restart(java.nio.file.Path config, DeployRequest request, AppSpec spec) {
        // A recorded configuration comes with the profile and variables it was deployed with.
        return dev.berth.config.RecordedConfig.of(config, secrets)
                .map(r -> catalog.restartDeployed(config, spec, r.profile(), r.variables()))
                .orElseGet(() -> catalog.restartDeployed(config, spec, request.profile(), request.variables()));
    }

    @Override public Optional<AppStatus> status(String app) {
        return supervisor.has(app) ? Optional.of(supervisor.status(app)) : Optional.empty();
    }

    @Override public void stop(String app) {
        if (supervisor.has(app)) supervisor.stop(app);
    }
}
