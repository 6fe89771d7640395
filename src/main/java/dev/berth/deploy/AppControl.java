package dev.berth.deploy;

import dev.berth.config.AppSpec;
import dev.berth.config.ConfigException;
import dev.berth.supervisor.AppStatus;
import dev.berth.supervisor.Outcome;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/** What a deploy needs from supervision (DeployedApps: the daemon's AppCatalog and Supervisor). */
public interface AppControl {
    /**
     * Registers the app from `config` (a release's recorded copy, see RecordedConfig, which runs
     * that release's directory), then moves its instances onto it one at a time, each ready
     * before the next (starts it when it does not run). With onlyChanged, instances already
     * running exactly that release and config are left alone: how a deploy goes back. Returns
     * once every instance is ready or one failed (that one is brought back on what it ran).
     */
    Outcome restart(Path config, DeployRequest request, AppSpec spec, boolean onlyChanged);

    /**
     * Tries the app as `config` describes it in one process beside the running instances, on a
     * private port, until it is ready and `check` (given that port) returns null. Returns what
     * was done ("passed ...", or "skipped: why" when the app does not run); throws with why it
     * failed. Nothing live changes. Called only for a release that may have a preflight (see
     * PreflightSkip: deploy.preflight on, a port).
     */
    String preflight(Path config, DeployRequest request, AppSpec spec, IntFunction<String> check) throws DeployException;

    /**
     * After a daemon died in the middle of moving the app onto a release: back onto the release
     * whose recorded configuration is `config`, only the instances not on it, one at a time.
     */
    Outcome goBack(String app, Path config);

    /**
     * The app as `config` describes it (a user's berth.yml, parsed through the daemon's cache),
     * or, without one, as its registration does; Names.Unknown when there is no such app.
     */
    AppSpec deployable(Path config, String app, String profile, Map<String, String> variables) throws ConfigException;

    /** The berth.yml the app is registered from (a release's recorded copy while a deploy moves it), if registered. */
    Optional<Path> registeredConfig(String app);

    Optional<AppStatus> status(String app);

    void stop(String app);
}
