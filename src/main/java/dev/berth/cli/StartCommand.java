package dev.berth.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class StartCommand implements CliCommand {
    private final Spec spec = new Spec("start", "Start apps; returns when each instance is ready or has failed.")
            .details("  berth start                 every app of ./berth.yml",
                    "  berth start web worker      these apps (from ./berth.yml, or already registered)",
                    "  berth start path/berth.yml  every app of that file",
                    "  berth start all             every app of ./berth.yml, else every registered app",
                    "Instances already running are left as they are (exit 0), and berth says what of berth.yml",
                    "they do not run yet (instances, run, env keys, port, ...); `berth reload APP` applies it.")
            .positional("TARGET", 0, -1, "App names, `all`, or a berth.yml path.")
            .option("-c, --config", "FILE", "The berth.yml to use (default ./berth.yml).")
            .option("--env", "PROFILE", "Apply the env_<PROFILE> section (e.g. production).")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        List<String> names = new ArrayList<>();
        Path file = args.path("--config");
        for (String t : args.positionals()) {
            if (CommandEnvironment.looksLikeConfigFile(t)) {
                if (file != null && !Path.of(t).equals(file)) throw new CliException(ExitCodes.USAGE, "give one berth.yml, not " + file + " and " + t);
                file = Path.of(t);
            } else {
                names.add(t);
            }
        }
        Path resolved = CommandEnvironment.config(file);
        if (resolved == null && names.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no berth.yml here; give app names, a berth.yml path, or -c FILE");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("config", resolved == null ? null : resolved.toString());
        body.put("apps", names);
        body.put("profile", args.value("--env"));
        body.put("variables", CommandEnvironment.referencedVariables(resolved));
        return Results.print(CommandEnvironment.client().post("/api/v1/start", body), args.flag("--json"));
    }
}
