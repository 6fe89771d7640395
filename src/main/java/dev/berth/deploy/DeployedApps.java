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

    /** The profile and variables a configuration is loaded with. */
    private record Settings(String profile, Map<String, String> variables) { }

    /** A recorded configuration comes with the profile and variables it was deployed with; otherwise the request's (none without one). */
    private Settings settingsOf(Path config, DeployRequest request) {
        return RecordedConfig.of(config, secrets).map(r -> new Settings(r.profile(), r.variables()))
                .orElseGet(() -> request == null ? new Settings(null, Map.of()) : new Settings(request.profile(), request.variables()));
    }

    @Override public Outcome restart(Path config, DeployRequest request, AppSpec spec, boolean onlyChanged) {
        Settings s = settingsOf(config, request);
        return catalog.restartDeployed(config, spec, s.profile(), s.variables(), onlyChanged);
    }

    @Override public String preflight(Path config, DeployRequest request, AppSpec spec,
                                      IntFunction<String> check) throws DeployException {
        if (!supervisor.has(spec.name()) || !"running".equals(supervisor.status(spec.name()).desired())) {
            return "skipped: " + spec.name() + " is not running, so no traffic is at stake";
        }
        AppSpec trial;
        try {
            Settings s = settingsOf(config, request);
            trial = catalog.deployable(config, spec.name(), s.profile(), s.variables());
        } catch (ConfigException e) {
            throw new DeployException(config + " does not load: " + e.problems().get(0));
        }
        String failure = supervisor.preflight(trial, check);
        if (failure != null) throw new DeployException("the new release did not pass beside the running app: " + failure);
        return "passed: one process of the new release was ready beside the running app, then stopped";
    }

    @Override public Outcome goBack(String app, Path config) {
        Settings s = settingsOf(config, null);
        try {
            AppSpec spec = catalog.deployable(config, app, s.profile(), s.variables());
            return catalog.restartDeployed(config, spec, s.profile(), s.variables(), true);
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
