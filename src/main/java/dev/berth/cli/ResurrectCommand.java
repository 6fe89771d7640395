package dev.berth.cli;

import java.util.Map;

final class ResurrectCommand implements CliCommand {
    private final Spec spec = new Spec("resurrect", "Bring back exactly what should run; stopped apps stay stopped.")
            .details("Adopts instances that are alive and starts the ones that should run and do not.",
                    "The daemon does this by itself when it starts (after a reboot, through the unit",
                    "`berth startup` writes); this asks for it now.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        return Results.print(CommandEnvironment.client().post("/api/v1/resurrect", Map.of()), args.flag("--json"));
    }
}
