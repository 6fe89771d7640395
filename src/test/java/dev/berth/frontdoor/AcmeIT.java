package dev.berth.frontdoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.store.StateStore;
import dev.berth.store.StoredApp;
import dev.berth.supervisor.LogRelay;
import dev.berth.supervisor.ProcessTree;
import dev.berth.supervisor.Supervisor;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates from Pebble (Let's Encrypt's test CA, Debian's package) with real HTTP-01
 * validation through the generated nginx: Pebble asks pebble-challtestsrv for the name, which
 * answers 127.0.0.1, and fetches the challenge from nginx's port. Renewal is driven by a clock
 * the test moves; a failed renewal is recorded with the CA's own words and waits before the next try.
 */
class AcmeIT {
    @TempDir Path tmp;
    final List<Process> servers = new ArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final MovableClock clock = new MovableClock();
    StateStore store;
    Supervisor supervisor;
    FrontDoor door;
    int httpPort;
    int httpsPort;
    int acmePort;
    int pebbleAdminPort;

    static final class MovableClock extends Clock {
        volatile Duration ahead = Duration.ZERO;
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.now().plus(ahead); }
    }

    @BeforeEach void setUp() throws Exception {
        Needs.nginx();
        Needs.program("pebble", "pebble");
        Needs.program("pebble-challtestsrv", "pebble");
        Needs.program("openssl", "openssl");
        httpPort = FrontDoorIT.freePort();
        httpsPort = FrontDoorIT.freePort();
        acmePort = FrontDoorIT.freePort();
        pebbleAdminPort = FrontDoorIT.freePort();
        int dnsPort = FrontDoorIT.freePort();
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tmp.resolve("pebble-key.pem").toString(),
                "-out", tmp.resolve("pebble-cert.pem").toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        Files.writeString(tmp.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(acmePort, pebbleAdminPort, tmp.resolve("pebble-cert.pem"), tmp.resolve("pebble-key.pem"), httpPort,
                FrontDoorIT.freePort()));
        // every name is 127.0.0.1: Pebble validates against the nginx of this test
        servers.add(start(List.of("pebble-challtestsrv", "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-management", "127.0.0.1:" + FrontDoorIT.freePort(), "-defaultIPv6", ""), Map.of(), "challtestsrv.log"));
        servers.add(start(List.of("pebble", "-config", tmp.resolve("pebble.json").toString(), "-dnsserver", "127.0.0.1:" + dnsPort),
                Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_AUTHZREUSE", "0"), "pebble.log")); // every order validated afresh
        awaitListening(acmePort);
        store = new StateStore(tmp.resolve("state.db"));
        Map<String, String> env = new HashMap<>(Supervisor.loginEnvironment(System.getenv()));
        env.put("BERTH_HOME", tmp.toString());
        supervisor = new Supervisor(store, new ProcessTree(), LogRelay.locate(), Clock.systemUTC(), env);
        door = new FrontDoor(tmp.resolve("frontdoor"), supervisor, new ProcessTree(), clock, (site, kind, message) -> events.add(kind + " " + site + ": " + message));
    }

    @AfterEach void tearDown() throws Exception {
        if (supervisor != null) {
            for (String app : supervisor.appNames()) supervisor.delete(app);
            supervisor.close();
            door.stop();
            store.close();
        }
        for (Process p : servers) p.destroyForcibly().waitFor();
    }

    private BerthFile config() throws Exception {
        Files.writeString(tmp.resolve("berth.yml"), """
                apps:
                  web:
                    script: %s
                proxy:
                  http_port: %d
                  https_port: %d
                  acme: { email: ops@shop.test, directory: "https://127.0.0.1:%d/dir", staging: "https://127.0.0.1:%d/dir", trust: pebble-cert.pem }
                sites:
                  shop:
                    domains: [shop.test, www.shop.test]
                    tls: acme
                    routes:
                      /: { app: web }
                """.formatted(FrontDoorIT.TESTAPPS.resolve("http_app.py"), httpPort, httpsPort, acmePort, acmePort));
        return new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(tmp.resolve("berth.yml"), null);
    }

    @Test
    void issuesServesRenewsAndReportsAFailedRenewal() throws Exception {
        BerthFile f = config();
        door.use(f);
        store.upsertApp(new StoredApp("web", -1, f.path().toString(), null, "running", "{}"));
        assertTrue(supervisor.start(f.app("web").orElseThrow(), n -> new BerthFileLoader(Map.of(), tmp.resolve("logs")).load(f.path(), null).app(n).orElseThrow()).ok());
        assertEquals(200, FrontDoorIT.status(httpPort, "shop.test", "/"), "plain HTTP serves until there is a certificate");

        // --staging first: validation is proven, nothing is served
        String rehearsal = door.renew("shop.test", true);
        assertTrue(rehearsal.contains("staging certificate was issued") && rehearsal.contains("not served"), rehearsal);
        assertTrue(Files.exists(tmp.resolve("frontdoor/certificates/shop/staging/live/fullchain.pem")));

        String issued = door.renew("shop.test", false);
        assertTrue(issued.startsWith("certificate for shop.test, www.shop.test valid until"), issued);
        Path chain = tmp.resolve("frontdoor/certificates/shop/live/fullchain.pem");
        Path key = tmp.resolve("frontdoor/certificates/shop/live/key.pem");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        X509Certificate first = leaf(chain);

        SSLContext pebbleRoots = trusting(pebbleRoot());
        String answer = httpsGet(pebbleRoots, "www.shop.test", "/");
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("hello from"), answer);
        assertTrue(answer.contains("Strict-Transport-Security: max-age=31536000"), "HSTS once TLS works: " + answer);
        assertEquals(first.getSerialNumber(), served(pebbleRoots, "shop.test").getSerialNumber());
        assertNotEquals(leaf(tmp.resolve("frontdoor/certificates/shop/staging/live/fullchain.pem")).getSerialNumber(), first.getSerialNumber(),
                "a staging certificate is never served");
        assertEquals(301, FrontDoorIT.status(httpPort, "shop.test", "/"), "HTTP redirects to HTTPS once there is a certificate");
        // the built-in tls:shop.test check: through this server's own front door, asking for the domain
        dev.berth.config.CheckSpec.Tls builtIn = (dev.berth.config.CheckSpec.Tls) f.check("tls:shop.test").orElseThrow().probe();
        var probed = new dev.berth.monitor.probe.TlsProbe(builtIn.host(), builtIn.port(), null, builtIn.connect()).run(Duration.ofSeconds(10));
        assertTrue(probed.value() != null && probed.value() > 300 && probed.message().contains("not trusted"), "Pebble's root is no public CA: " + probed);

        // 29 days before it expires: due, renewed, served
        clock.ahead = Duration.between(Instant.now(), first.getNotAfter().toInstant()).minusDays(29);
        door.renewDue();
        X509Certificate second = leaf(chain);
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber(), "renewed");
        assertEquals(second.getSerialNumber(), served(pebbleRoots, "shop.test").getSerialNumber(), "and served after a reload");
        assertTrue(events.stream().anyMatch(e -> e.startsWith("certificate_renewed shop:")), events.toString());

        // nginx gone: Pebble cannot fetch the challenge; its own error is kept, and no retry before the wait
        clock.ahead = Duration.between(Instant.now(), second.getNotAfter().toInstant()).minusDays(10);
        door.stop();
        FrontDoor.FrontDoorException e = assertThrows(FrontDoor.FrontDoorException.class, () -> door.renew("shop", false));
        assertTrue(e.getMessage().matches("validation of (www\\.)?shop\\.test failed: .*connection refused.*"), e.getMessage());
        String failed = events.stream().filter(x -> x.startsWith("certificate_failed shop:")).findFirst().orElseThrow(() -> new AssertionError(events.toString()));
        assertTrue(failed.contains("next try after"), failed);
        int before = events.size();
        door.renewDue();
        assertEquals(before, events.size(), "a failed renewal waits before it is tried again: " + events);
        assertEquals(second.getSerialNumber(), leaf(chain).getSerialNumber(), "the certificate that worked is kept");
        FrontDoor.CertificateState state = door.certificates().get(0);
        assertTrue(state.lastError() != null && state.nextAttempt() != null, state.toString());
        assertFalse(state.daysLeft() > 10, state.toString());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(tmp.resolve("openssl.log").toFile()).start();
        assertEquals(0, p.waitFor(), String.join(" ", argv) + ": " + Files.readString(tmp.resolve("openssl.log")));
    }

    private Process start(List<String> argv, Map<String, String> env, String log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(tmp.resolve(log).toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void awaitListening(int port) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nothing listens on " + port);
    }

    private static X509Certificate leaf(Path chain) throws Exception {
        try (InputStream in = Files.newInputStream(chain)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Pebble's root of this run, from its management port. */
    private X509Certificate pebbleRoot() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(trusting(leaf(tmp.resolve("pebble-cert.pem")))).build();
        String pem = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:" + pebbleAdminPort + "/roots/0")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A TLS connection to nginx's HTTPS port for this name (SNI and hostname check as a browser does). */
    private SSLSocket connect(SSLContext ctx, String name) throws Exception {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), httpsPort);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, name, httpsPort, true);
        var params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(params);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    private X509Certificate served(SSLContext ctx, String name) throws Exception {
        try (SSLSocket s = connect(ctx, name)) {
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private String httpsGet(SSLContext ctx, String name, String path) throws Exception {
        try (SSLSocket s = connect(ctx, name)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + name + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) sb.append(line).append('\n');
            return sb.toString();
        }
    }
}
