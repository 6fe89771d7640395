package dev.berth.monitor;

import dev.berth.config.BackupSpec;
import dev.berth.config.CheckSpec;
import dev.berth.monitor.probe.ProbeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Runs a set of checks once, all at the same time, each within its timeout (what `berth check` does). */
public final class CheckRunner {
    /** One check's outcome. */
    public record Outcome(CheckSpec spec, ProbeResult result) { }

    private CheckRunner() { }

    public static List<Outcome> runAll(List<CheckSpec> checks, CheckContext ctx, Function<String, BackupSpec> backups) {
        List<CompletableFuture<ProbeResult>> running = new ArrayList<>();
        for (CheckSpec c : checks) running.add(start(c, ProbeFactory.of(c, ctx, backups)));
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) out.add(new Outcome(checks.get(i), running.get(i).join()));
        return out;
    }

    /** Starts one run; a run past its timeout (plus a second of slack for the probe's own) is CRITICAL. */
    static CompletableFuture<ProbeResult> start(CheckSpec c, ProbeFactory.Runnable probe) {
        Duration timeout = c.timeout();
        long started = System.nanoTime();
        CompletableFuture<ProbeResult> f;
        try {
            f = probe.run(timeout);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ProbeResult.failed("the check failed: " + e, 0));
        }
        return f.completeOnTimeout(null, timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).thenApply(r -> r != null ? r
                : ProbeResult.failed("no answer within the timeout of " + timeout.toMillis() + " ms", (System.nanoTime() - started) / 1_000_000));
    }
}
