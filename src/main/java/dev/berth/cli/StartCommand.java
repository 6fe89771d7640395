package dev.berth.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "start", description = {
        "Start apps; returns when each instance is ready or has failed.",
        "  berth start                 every app of ./berth.yml",
        "  berth start web worker      these apps (from ./berth.yml, or already registered)",
        "  berth start path/berth.yml  every app of that file",
        "  berth start all             every app of ./berth.yml, else every registered app",
        "Apps already running are left as they are; use restart or reload to apply changes."})
final class StartCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "TARGET", description = "App names, `all`, or a berth.yml path.")
    List<String> targets = new ArrayList<>();

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The berth.yml to use (default ./berth.yml).")
    Path config;

    @Option(names = "--env", paramLabel = "PROFILE", description = "Apply the env_<PROFILE> section (e.g. production).")
    String profile;

    @Mixin JsonOption json;

    @Override public Integer call() {
        List<String> names = new ArrayList<>();
        Path file = config;
        for (String t : targets) {
            if (Env.looksLikeConfigFile(t)) {
                if (file != null && !Path.of(t).equals(file)) throw new CliException(ExitCodes.USAGE, "give one berth.yml, not " + file + " and " + t);
                file = Path.of(t);
            } else {
                names.add(t);
            }
        }
        Path resolved = Env.config(file);
        if (resolved == null && names.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no berth.yml here; give app names, a berth.yml path, or -c FILE");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("config", resolved == null ? null : resolved.toString());
        body.put("apps", names);
        body.put("profile", profile);
        body.put("variables", Env.referencedVariables(resolved));
        return Results.print(Env.client().post("/api/v1/start", body), json.json);
    }
}
