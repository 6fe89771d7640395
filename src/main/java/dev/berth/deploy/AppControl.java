package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.Outcome;
import java.util.Optional;

/** What a deploy needs from supervision; the daemon wires it to its AppCatalog and Supervisor. */
public interface AppControl {
    /**
     * Registers the app from `config` (the request's berth.yml, or a release's recorded copy,
     * see RecordedConfig), then (re)starts it from its live release: a rolling reload when it
     * already runs several instances, a restart otherwise. Returns once every instance is ready
     * or has failed.
     */
    Outcome restart(java.nio.file.Path config, DeployRequest request, AppSpec spec);

    Optional<AppStatus> status(String app);

    void stop(String app);
}
