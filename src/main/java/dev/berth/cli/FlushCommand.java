package dev.berth.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "flush", description = "Empty apps' log files (the apps keep writing to them).")
final class FlushCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "APP", description = "App names (default: all).")
    List<String> apps = List.of();

    @SuppressWarnings("unchecked")
    @Override public Integer call() {
        Map<String, Object> r = Env.client().post("/api/v1/flush", Map.of("apps", apps));
        for (Object f : (List<Object>) r.get("flushed")) Output.err("flushed " + f);
        return ExitCodes.OK;
    }
}
