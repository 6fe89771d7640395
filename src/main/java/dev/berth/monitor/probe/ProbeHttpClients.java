package dev.berth.monitor.probe;

import java.net.http.HttpClient;
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
    private ProbeHttpClients() { }

    static HttpClient client(boolean tlsVerify) {
        return tlsVerify ? Verifying.CLIENT : NotVerifying.CLIENT;
    }

    private static final class Verifying {
        static final HttpClient CLIENT = builder().build();
    }

    private static final class NotVerifying {
        static final HttpClient CLIENT = builder().sslContext(TrustAll.context()).build();
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(Executors.newVirtualThreadPerTaskExecutor());
    }
}
