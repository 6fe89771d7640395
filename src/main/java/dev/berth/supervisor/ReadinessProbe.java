package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.http.HttpProbeRequest;
import dev.berth.http.HttpProber;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/** Waits until an instance shows its readiness signal: a port that accepts, an HTTP 200, a log line, or a passing container health check. */
final class ReadinessProbe {
    enum Outcome { READY, TIMED_OUT, GAVE_UP }

    /** One attempt's limit: it was a 200 ms connect and a 1 s read; the poll tries again after it. */
    private static final Duration HTTP_TIMEOUT = Duration.ofMillis(1200);

    /**
     * @param stillWanted false once the process died or was replaced: the wait ends at once
     * @param logOffset   byte offset of the stdout log when the process was spawned
     * @param healthy     a container's health check, run once (for ready: {healthcheck: true})
     */
    Outcome await(AppSpec.Readiness ready, Integer port, Path stdoutLog, long logOffset, BooleanSupplier stillWanted, BooleanSupplier healthy) {
        long deadline = System.nanoTime() + ready.timeout().toNanos();
        LogScanner scanner = ready instanceof AppSpec.LogLineReady l ? new LogScanner(stdoutLog, logOffset, l.contains()) : null;
        while (System.nanoTime() < deadline) {
            if (!stillWanted.getAsBoolean()) return Outcome.GAVE_UP;
            boolean ok = switch (ready) {
                case AppSpec.PortReady p -> portOpen(port);
                case AppSpec.HttpReady h -> httpOk(port, h.path());
                case AppSpec.LogLineReady l -> scanner.found();
                case AppSpec.HealthcheckReady h -> healthy.getAsBoolean();
            };
            if (ok) return Outcome.READY;
            // a health check runs a command in the container: not 20 times a second
            sleep(Duration.ofMillis(ready instanceof AppSpec.HealthcheckReady ? 500 : 50));
        }
        return Outcome.TIMED_OUT;
    }

    static boolean portOpen(Integer port) {
        if (port == null) return false;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A 200 from the path, not following redirects: a redirect is not the app saying it is ready. */
    static boolean httpOk(Integer port, String path) {
        if (port == null) return false;
        HttpProbeRequest request = HttpProbeRequest.get(URI.create("http://127.0.0.1:" + port + path), HTTP_TIMEOUT).withoutRedirects();
        return HttpProber.send(request).answeredWith(200);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a log file from an offset on, looking for a line that contains a text. */
    static final class LogScanner {
        private final Path file;
        private final byte[] needle;
        private long offset;
        private byte[] carry = new byte[0];

        LogScanner(Path file, long offset, String contains) {
            this.file = file;
            this.offset = offset;
            this.needle = contains.getBytes(StandardCharsets.UTF_8);
        }

        boolean found() {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                long len = raf.length();
                if (len < offset) offset = 0; // rotated or flushed
                if (len == offset) return false;
                byte[] chunk = new byte[(int) Math.min(len - offset, 1 << 20)];
                raf.seek(offset);
                raf.readFully(chunk);
                offset += chunk.length;
                byte[] hay = new byte[carry.length + chunk.length];
                System.arraycopy(carry, 0, hay, 0, carry.length);
                System.arraycopy(chunk, 0, hay, carry.length, chunk.length);
                if (indexOf(hay, needle) >= 0) return true;
                int keep = Math.min(hay.length, needle.length - 1);
                carry = Arrays.copyOfRange(hay, hay.length - keep, hay.length);
                return false;
            } catch (IOException e) {
                return false;
            }
        }

        private static int indexOf(byte[] hay, byte[] n) {
            outer:
            for (int i = 0; i + n.length <= hay.length; i++) {
                for (int j = 0; j < n.length; j++) if (hay[i + j] != n[j]) continue outer;
                return i;
            }
            return -1;
        }
    }
}
