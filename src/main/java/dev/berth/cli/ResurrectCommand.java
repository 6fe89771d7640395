package dev.berth.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(mixinStandardHelpOptions = true, name = "resurrect", description = {
        "Bring back exactly what should run; stopped apps stay stopped.",
        "Adopts instances that are alive and starts the ones that should run and do not.",
        "The daemon does this by itself when it starts (after a reboot, through the unit",
        "`berth startup` writes); this asks for it now."})
final class ResurrectCommand implements Callable<Integer> {
    @Mixin JsonOption json;

    @Override public Integer call() {
        return Results.print(Env.client().post("/api/v1/resurrect", Map.of()), json.json);
    }
}
