package dev.berth.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** stop, restart, reload, delete: the same request to a different endpoint. */
abstract class AppVerbCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "APP", description = "App names, or `all`.")
    List<String> apps;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "berth.yml whose $${VAR} values to refresh from this shell (default ./berth.yml).")
    Path config;

    @Mixin JsonOption json;

    private final String verb;

    AppVerbCommand(String verb) {
        this.verb = verb;
    }

    @Override public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apps", apps);
        Path resolved = Env.config(config);
        if (resolved != null) {
            body.put("config", resolved.toString());
            body.put("variables", Env.referencedVariables(resolved));
        }
        return Results.print(Env.client().post("/api/v1/" + verb, body), json.json);
    }
}
