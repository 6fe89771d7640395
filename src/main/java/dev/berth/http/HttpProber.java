package dev.berth.http;

import java.net.InetSocketAddress;
import java.net.URI;
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
        HttpClient ownClient = null;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(r.host() == null ? r.url() : addressedTo(r.url(), r.host()))
                    .timeout(r.timeout())
                    .method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(r.body(), StandardCharsets.UTF_8));
            r.headers().forEach(b::header);
            request = b.build();
            if (r.host() != null) ownClient = ProbeHttpClients.through(address(r.url()), r.followRedirects());
        } catch (IllegalArgumentException e) { // bad scheme, restricted header name...
            return CompletableFuture.completedFuture(HttpProbeAnswer.none(HttpProbeAnswer.Outcome.INVALID_REQUEST, e.getMessage(), 0));
        }
        HttpClient client = ownClient != null ? ownClient : ProbeHttpClients.client(r.tlsVerify(), r.followRedirects());
        CompletableFuture<HttpResponse<BodyPrefix.Bytes>> sent = client.sendAsync(request, info -> new BodyPrefix(r.bodyLimit()));
        CompletableFuture<HttpProbeAnswer> answer = sent
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
        if (ownClient == null) return answer;
        HttpClient toClose = ownClient;
        return answer.whenComplete((a, e) -> toClose.shutdownNow());
    }

    /** Stops the shared clients' threads, for a process about to exit (the next request makes new ones). */
    public static void closeClients() {
        ProbeHttpClients.closeAll();
    }

    /** The URL with the Host header's name in it: sent, through the URL's own address as a proxy, as the request's target. */
    private static URI addressedTo(URI url, String host) {
        if (!"http".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("a Host header of its own needs an http URL, not " + url.getScheme());
        }
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
        return URI.create("http://" + host + port + (url.getRawPath() == null ? "" : url.getRawPath()) + query);
    }

    private static InetSocketAddress address(URI url) {
        return new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
