package dev.berth.monitor.probe;

import dev.berth.http.FailureText;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a blocking probe body on a virtual thread and gives up on it at the timeout. Socket
 * connects and reads take a timeout of their own, but name resolution does not, and a probe
 * must answer within its timeout even when DNS hangs.
 */
final class BoundedCall {
    private BoundedCall() { }

    static ProbeResult run(Duration timeout, Callable<ProbeResult> body) {
        long t0 = System.nanoTime();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("probe").start(() -> {
            try {
                result.complete(body.call());
            } catch (Exception | LinkageError e) {
                result.complete(ProbeResult.failed(FailureText.describe(e), elapsedMillis(t0)));
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.interrupt(); // a virtual thread's blocked socket is closed by the interrupt
            return ProbeResult.failed("timed out after " + Quantities.duration(timeout), elapsedMillis(t0));
        } catch (ExecutionException e) {
            return ProbeResult.failed(FailureText.describe(e), elapsedMillis(t0));
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            return ProbeResult.failed("interrupted", elapsedMillis(t0));
        }
    }

    static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
