package dev.berth.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "resurrect", description = {
        "Bring back exactly what should run: adopt instances that are alive, start the ones that should",
        "run and do not; apps that were stopped stay stopped. The daemon does this by itself when it",
        "starts (after a reboot, through `berth startup`'s unit); this asks for it now."})
final class ResurrectCommand implements Callable<Integer> {
    @Mixin JsonOption json;

    @Override public Integer call() {
        return Results.print(Env.client().post("/api/v1/resurrect", Map.of()), json.json);
    }
}
