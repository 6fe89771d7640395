package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.ConfigException;
import dev.berth.config.RecordedConfig;
import dev.berth.config.SecretBox;
import dev.berth.supervisor.AppCatalog;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.Outcome;
import dev.berth.supervisor.Supervisor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/** Supervision as a deploy needs it, over the daemon's catalog and supervisor. */
public final class DeployedApps implements AppControl {
    private final AppCatalog catalog;
    private final Supervisor supervisor;

    private final SecretBox secrets;

    public DeployedApps(AppCatalog catalog, Supervisor supervisor, SecretBox secrets) {
        this.catalog = catalog;
        this.supervisor = supervisor;
        this.secrets = secrets;
    }

    @Override public Outcome restart(Path config, DeployRequest request, AppSpec spec, boolean onlyChanged) {
        // A recorded configuration comes with the profile and variables it was deployed with.
        return RecordedConfig.of(config, secrets)
                .map(r -> catalog.restartDeployed(config, spec, r.profile(), r.variables(), onlyChanged))
                .orElseGet(() -> catalog.restartDeployed(config, spec, request.profile(), request.variables(), onlyChanged));
    }

    @Override public String preflight(Path config, DeployRequest request, AppSpec spec,
                                      IntFunction<String> check) throws DeployException {
        if (!supervisor.has(spec.name()) || !"running".equals(supervisor.status(spec.name()).desired())) {
            return "skipped: " + spec.name() + " is not running, so no traffic is at stake";
        }
        AppSpec trial;
        try {
            var recorded = RecordedConfig.of(config, secrets);
            trial = recorded.isPresent()
                    ? catalog.deployable(config, spec.name(), recorded.get().profile(), recorded.get().variables())
                    : catalog.deployable(config, spec.name(), request.profile(), request.variables());
        } catch (ConfigException e) {
            throw new DeployException(config + " does not load: " + e.problems().get(0));
        }
        String failure = supervisor.preflight(trial, check);
        if (failure != null) throw new DeployException("the new release did not pass beside the running app: " + failure);
        return "passed: one process of the new release was ready beside the running app, then stopped";
    }

    @Override public Outcome goBack(String app, Path config) {
        var recorded = RecordedConfig.of(config, secrets);
        String profile = recorded.map(r -> r.profile()).orElse(null);
        Map<String, String> vars = recorded.map(r -> r.variables()).orElse(Map.of());
        try {
            AppSpec spec = catalog.deployable(config, app, profile, vars);
            return catalog.restartDeployed(config, spec, profile, vars, true);
        } catch (ConfigException e) {
            return new Outcome(app, false, config + " does not load: " + e.problems().get(0), List.of());
        }
    }

    @Override public AppSpec deployable(Path config, String app, String profile, Map<String, String> variables) throws ConfigException {
        return catalog.deployable(config, app, profile, variables);
    }

    @Override public Optional<Path> registeredConfig(String app) {
        return Optional.ofNullable(catalog.registeredConfig(app));
    }

    @Override public Optional<AppStatus> status(String app) {
        return supervisor.has(app) ? Optional.of(supervisor.status(app)) : Optional.empty();
    }

    @Override public void stop(String app) {
        if (supervisor.has(app)) supervisor.stop(app);
    }
}
