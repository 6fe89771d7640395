package dev.berth.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** stop, restart, reload, delete: the same request to a different endpoint. */
abstract class AppVerbCommand implements CliCommand {
    private final String verb;
    private final Spec spec;

    AppVerbCommand(String verb, String summary, String... details) {
        this.verb = verb;
        this.spec = new Spec(verb, summary).details(details)
                .positional("APP", 1, -1, "App names, or `all`.")
                .option("-c, --config", "FILE", "berth.yml whose ${VAR} values to refresh from this shell (default ./berth.yml).")
                .json();
    }

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apps", args.positionals());
        Path resolved = CommandEnvironment.config(args.path("--config"));
        if (resolved != null) {
            body.put("config", resolved.toString());
            body.put("variables", CommandEnvironment.referencedVariables(resolved));
        }
        return Results.print(CommandEnvironment.client().post("/api/v1/" + verb, body), args.flag("--json"));
    }

    static final class Stop extends AppVerbCommand {
        Stop() {
            super("stop", "Stop apps (the whole process tree).",
                    "Sends stop_signal to every process of each instance, then SIGKILL after kill_timeout.",
                    "Stopped apps stay registered, and stay stopped across daemon restarts and reboots.");
        }
    }

    static final class Restart extends AppVerbCommand {
        Restart() {
            super("restart", "Restart apps with the current berth.yml and env_file.",
                    "Stops every instance, then starts them again. Exits 1 when an instance does not become ready.");
        }
    }

    static final class Reload extends AppVerbCommand {
        Reload() {
            super("reload", "Replace apps' instances one at a time, each after the one before is ready.",
                    "An instance with a port is stopped before its replacement starts (the port is the old",
                    "process's): that port answers nothing until the new one is ready. So one instance has a",
                    "gap, and several (each on its own port + i) keep serving only behind a proxy of yours that",
                    "spreads requests over their ports. An instance without a port is started beside the old",
                    "one, which stops once the new one is ready. When a new instance never becomes ready the",
                    "reload stops there: that instance is brought back on the previous config, the others keep",
                    "running it, and berth exits 1.");
        }
    }

    static final class Delete extends AppVerbCommand {
        Delete() {
            super("delete", "Stop apps and forget them.",
                    "Their events and restart counts go too: an app started again under the name starts afresh.");
        }
    }
}
