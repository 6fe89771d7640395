package dev.berth.monitor.probe;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The HTTP clients every {@link HttpProbe} shares: one that verifies certificates and one for
 * checks with tls_verify off, each created on first use. The daemon runs about a thousand HTTP
 * checks every ten seconds, so a client per call (each with its selector thread and connection
 * pool) is out of the question. Responses complete on virtual threads, so a thousand checks in
 * flight cost one selector thread per client, not a thousand platform threads.
 *
 * <p>Static on purpose: a client holds no per-check state, and sharing the connection pool
 * across every probe is the point. A client has a single connect timeout, so timeouts are per
 * request instead (see {@link HttpProbe#runAsync}).
 */
final class ProbeHttpClients {
    private static HttpClient verifying;
    private static HttpClient notVerifying;

    private ProbeHttpClients() { }

    static synchronized HttpClient client(boolean tlsVerify) {
        if (tlsVerify) {
            if (verifying == null) verifying = builder().build();
            return verifying;
        }
        if (notVerifying == null) notVerifying = builder().sslContext(TrustAll.context()).build();
        return notVerifying;
    }

    /**
     * Stops the clients' selector threads (the next probe makes new clients). For a process about to
     * exit: the JVM's exit waits up to 300 ms for threads blocked in native code, and an idle
     * selector thread sits in epoll_wait.
     */
    static synchronized void closeAll() {
        for (HttpClient c : new HttpClient[] {verifying, notVerifying}) {
            if (c == null) continue;
            c.shutdownNow();
            try {
                c.awaitTermination(Duration.ofMillis(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        verifying = null;
        notVerifying = null;
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(Executors.newVirtualThreadPerTaskExecutor());
    }
}
