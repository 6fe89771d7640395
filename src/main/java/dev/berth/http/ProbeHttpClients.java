package dev.berth.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The HTTP clients every probe shares: one per TLS trust choice and redirect rule, each created
 * on first use. The daemon runs about a thousand HTTP checks every ten seconds, so a client per
 * call (each with its selector thread and connection pool) is out of the question. Responses
 * complete on virtual threads, so a thousand checks in flight cost one selector thread per
 * client, not a thousand platform threads.
 *
 * <p>Static on purpose: a client holds no per-check state, and sharing the connection pool
 * across every probe is the point. A client has a single connect timeout, so timeouts are per
 * request instead (see {@link HttpProber}).
 */
final class ProbeHttpClients {
    /** The kinds of shared client: whether certificates are checked, whether redirects are followed. */
    private enum Kind { VERIFYING, VERIFYING_NO_REDIRECTS, TRUSTING_ALL, TRUSTING_ALL_NO_REDIRECTS }

    private static final Map<Kind, HttpClient> CLIENTS = new EnumMap<>(Kind.class);

    private ProbeHttpClients() { }

    static synchronized HttpClient client(boolean tlsVerify, boolean followRedirects) {
        Kind kind = tlsVerify ? (followRedirects ? Kind.VERIFYING : Kind.VERIFYING_NO_REDIRECTS)
                : (followRedirects ? Kind.TRUSTING_ALL : Kind.TRUSTING_ALL_NO_REDIRECTS);
        return CLIENTS.computeIfAbsent(kind, k -> builder(tlsVerify, followRedirects).build());
    }

    /**
     * Stops the clients' selector threads (the next probe makes new clients). For a process about to
     * exit: the JVM's exit waits up to 300 ms for threads blocked in native code, and an idle
     * selector thread sits in epoll_wait.
     */
    static synchronized void closeAll() {
        for (HttpClient c : CLIENTS.values()) close(c);
        CLIENTS.clear();
    }

    static void close(HttpClient c) {
        c.shutdownNow();
        try {
            c.awaitTermination(Duration.ofMillis(100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HttpClient.Builder builder(boolean tlsVerify, boolean followRedirects) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor());
        return tlsVerify ? b : b.sslContext(TrustAll.context());
    }
}
