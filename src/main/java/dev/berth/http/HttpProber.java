package dev.berth.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a health probe's HTTP request: readiness, the deploy health gate and HTTP checks all
 * come here. The answer always arrives, by the request's timeout at the latest; an error is an
 * answer too ({@link HttpProbeAnswer.Outcome}), never an exception.
 */
public final class HttpProber {
    private HttpProber() { }

    /** Sends and waits for the answer (at most the request's timeout). */
    public static HttpProbeAnswer send(HttpProbeRequest request) {
        return sendAsync(request).join();
    }

    /**
     * Sends without blocking a thread: many of these can be in flight at once on the shared
     * clients. The future always completes normally.
     */
    public static CompletableFuture<HttpProbeAnswer> sendAsync(HttpProbeRequest r) {
        long t0 = System.nanoTime();
        HttpRequest request;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(r.url())
                    .timeout(r.timeout())
                    .method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(r.body(), StandardCharsets.UTF_8));
            r.headers().forEach(b::header);
            request = b.build();
        } catch (IllegalArgumentException e) { // bad scheme, restricted header name...
            return CompletableFuture.completedFuture(HttpProbeAnswer.none(HttpProbeAnswer.Outcome.INVALID_REQUEST, e.getMessage(), 0));
        }
        HttpClient client = ProbeHttpClients.client(r.tlsVerify(), r.followRedirects());
        CompletableFuture<HttpResponse<BodyPrefix.Bytes>> sent = client.sendAsync(request, info -> new BodyPrefix(r.bodyLimit()));
        return sent
                .handle((response, error) -> error != null
                        ? HttpProbeAnswer.none(HttpProbeAnswer.Outcome.FAILED, FailureText.describe(error), elapsedMillis(t0))
                        : HttpProbeAnswer.answer(response.statusCode(), new String(response.body().data(), StandardCharsets.UTF_8),
                                response.body().truncated(), elapsedMillis(t0)))
                // the request timeout covers the wait for headers; this bounds the body as well
                .completeOnTimeout(null, r.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(a -> {
                    if (a != null) return a;
                    sent.cancel(true); // gives the connection back rather than leaving the exchange running
                    return HttpProbeAnswer.none(HttpProbeAnswer.Outcome.TIMED_OUT, "timed out", elapsedMillis(t0));
                });
    }

    /** Stops the shared clients' threads, for a process about to exit (the next request makes new ones). */
    public static void closeClients() {
        ProbeHttpClients.closeAll();
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
