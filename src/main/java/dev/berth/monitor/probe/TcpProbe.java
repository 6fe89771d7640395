package dev.berth.monitor.probe;

import dev.berth.http.FailureText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens a TCP connection and closes it: the port accepts connections within the latency limit.
 *
 * @param latencyMs limits on the connect time; warning none, critical 3000 ms when null
 */
public record TcpProbe(String host, int port, Thresholds latencyMs) implements Probe {

    public static final Thresholds DEFAULT_LATENCY_MS = Thresholds.above(null, 3000.0);

    public TcpProbe {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1-65535, not " + port);
        latencyMs = latencyMs == null ? DEFAULT_LATENCY_MS : latencyMs;
    }

    @Override
    public ProbeResult run(Duration timeout) {
        return BoundedCall.run(timeout, () -> connect(timeout));
    }

    private ProbeResult connect(Duration timeout) {
        long t0 = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            long millis = BoundedCall.elapsedMillis(t0);
            return ProbeResult.judged("connected to " + host + ":" + port + ", latency", millis, "ms", latencyMs, millis);
        } catch (IOException e) {
            return ProbeResult.failed("cannot connect to " + host + ":" + port + ": " + FailureText.describe(e),
                    BoundedCall.elapsedMillis(t0));
        }
    }
}
