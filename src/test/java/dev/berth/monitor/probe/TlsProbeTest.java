package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates made by keytool, served by a real TLS server on 127.0.0.1. */
class TlsProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    static Path tmp;
    private static Path threeDays;
    private static Path expired;

    @BeforeAll
    static void makeCertificates() throws Exception {
        threeDays = TestCertificates.selfSigned(tmp, "three-days", null, 3);
        expired = TestCertificates.selfSigned(tmp, "expired", "-10d", 3);
    }

    @Test
    void daysLeftAreReadFromAnUntrustedCertificate() throws Exception {
        try (TestCertificates.TlsServer server = new TestCertificates.TlsServer(threeDays)) {
            ProbeResult r = new TlsProbe("localhost", server.port(), null).run(TIMEOUT);
            assertEquals(CheckState.CRITICAL, r.state(), r.message());
            assertEquals("days", r.unit());
            assertTrue(r.value() > 2 && r.value() <= 3, "a 3-day certificate made just now: " + r.value());
            assertTrue(r.message().startsWith("certificate of localhost:" + server.port() + " expires in "), r.message());
            assertTrue(r.message().contains("< 7 days (critical)"), r.message());
            assertTrue(r.message().contains("not trusted by the JDK's default trust store"), r.message());
        }
    }

    @Test
    void daysWithinTheWarningLimitAreAWarning() throws Exception {
        try (TestCertificates.TlsServer server = new TestCertificates.TlsServer(threeDays)) {
            ProbeResult r = new TlsProbe("127.0.0.1", server.port(), Thresholds.below(5.0, 1.0)).run(TIMEOUT);
            assertEquals(CheckState.WARNING, r.state(), r.message());
            assertTrue(r.message().contains("< 5 days (warning)"), r.message());
        }
    }

    @Test
    void anUntrustedChainIsAtLeastAWarningEvenWithDaysToSpare() throws Exception {
        try (TestCertificates.TlsServer server = new TestCertificates.TlsServer(threeDays)) {
            ProbeResult r = new TlsProbe("localhost", server.port(), Thresholds.below(2.0, 1.0)).run(TIMEOUT);
            assertEquals(CheckState.WARNING, r.state(), r.message());
            assertTrue(r.message().contains("> 2 days (ok)"), "the days alone are fine: " + r.message());
            assertTrue(r.message().endsWith("(warning)"), r.message());
        }
    }

    /**
     * The same certificate, trusted: the JDK's default trust store follows javax.net.ssl.trustStore,
     * set here for the length of one probe and put back after.
     */
    @Test
    void aTrustedCertificateWithDaysToSpareIsOk() throws Exception {
        String previous = System.getProperty("javax.net.ssl.trustStore");
        try (TestCertificates.TlsServer server = new TestCertificates.TlsServer(threeDays)) {
            System.setProperty("javax.net.ssl.trustStore", threeDays.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", TestCertificates.PASSWORD);
            ProbeResult r = new TlsProbe("localhost", server.port(), Thresholds.below(2.0, 1.0)).run(TIMEOUT);
            assertEquals(CheckState.OK, r.state(), r.message());
            assertFalse(r.message().contains("not trusted"), r.message());
        } finally {
            restore("javax.net.ssl.trustStore", previous);
            System.clearProperty("javax.net.ssl.trustStorePassword");
        }
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }

    @Test
    void anExpiredCertificateIsCritical() throws Exception {
        try (TestCertificates.TlsServer server = new TestCertificates.TlsServer(expired)) {
            ProbeResult r = new TlsProbe("localhost", server.port(), null).run(TIMEOUT);
            assertEquals(CheckState.CRITICAL, r.state(), r.message());
            assertTrue(r.value() < -6.9 && r.value() > -7.1, "expired 7 days ago: " + r.value());
            assertTrue(r.message().contains(" expired 7 days ago"), r.message());
        }
    }

    @Test
    void aServerThatDoesNotSpeakTlsFailsTheHandshake() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = plain.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
                } catch (IOException e) {
                    // the test is over
                }
            });
            ProbeResult r = new TlsProbe("127.0.0.1", plain.getLocalPort(), null).run(TIMEOUT);
            assertEquals(CheckState.CRITICAL, r.state());
            assertTrue(r.message().startsWith("TLS handshake with 127.0.0.1:" + plain.getLocalPort() + " failed: "), r.message());
        }
    }

    @Test
    void aClosedPortIsCritical() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeResult r = new TlsProbe("127.0.0.1", port, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state());
        assertTrue(r.message().contains("connection refused"), r.message());
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // accepted by the kernel's backlog, never spoken to
            ProbeResult r = new TlsProbe("127.0.0.1", silent.getLocalPort(), null).run(Duration.ofMillis(300));
            assertEquals(CheckState.CRITICAL, r.state());
            assertTrue(r.message().contains("timed out"), r.message());
            assertTrue(r.latencyMillis() < 2000, "gave up at the timeout: " + r.latencyMillis());
        }
    }
}
