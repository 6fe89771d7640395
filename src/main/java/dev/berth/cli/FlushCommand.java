package dev.berth.cli;

import java.util.Map;

final class FlushCommand implements CliCommand {
    private final Spec spec = new Spec("flush", "Empty apps' log files (the apps keep writing to them).")
            .positional("APP", 0, -1, "App names (default: all).");

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        Map<String, Object> r = CommandEnvironment.client().post("/api/v1/flush", Map.of("apps", args.positionals()));
        for (String f : Reply.of(r).strings("flushed")) Output.err("flushed " + f);
        return ExitCodes.OK;
    }
}
