package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Test
    void anOpenPortIsOkWithItsConnectTime() throws IOException {
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult r = new TcpProbe("127.0.0.1", open.getLocalPort(), null).run(TIMEOUT);
            assertEquals(CheckState.OK, r.state(), r.message());
            assertEquals("ms", r.unit());
            assertTrue(r.message().matches("connected to 127\\.0\\.0\\.1:\\d+, latency \\d+ ms < 3000 ms \\(ok\\)"), r.message());

            // a limit of 0 ms is reached by any connect: the latency is really judged
            ProbeResult strict = new TcpProbe("127.0.0.1", open.getLocalPort(), Thresholds.above(null, 0.0)).run(TIMEOUT);
            assertEquals(CheckState.CRITICAL, strict.state());
            assertTrue(strict.message().contains("0 ms (critical)"), strict.message());
        }
    }

    @Test
    void aClosedPortIsCritical() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeResult r = new TcpProbe("127.0.0.1", port, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state());
        assertNull(r.value());
        assertEquals("cannot connect to 127.0.0.1:" + port + ": connection refused", r.message());
    }

    @Test
    void anUnknownHostIsCritical() {
        ProbeResult r = new TcpProbe("no-such-host.invalid", 80, null).run(TIMEOUT);
        assertEquals(CheckState.CRITICAL, r.state());
        assertTrue(r.message().contains("cannot resolve host"), r.message());
    }

    @Test
    void aBadPortIsADefinitionError() {
        assertThrows(IllegalArgumentException.class, () -> new TcpProbe("localhost", 0, null));
        assertThrows(IllegalArgumentException.class, () -> new TcpProbe("localhost", 65536, null));
    }
}
