package dev.berth.supervisor;

import dev.berth.config.AppSpec;
import dev.berth.config.ProxySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The one place that decides which port an instance listens on. An app with a port of its own
 * gives instance i the port plus i. An app behind the front door gets private ports: an instance
 * keeps its port across restarts (nginx already sends there), and a replacement gets a fresh one
 * (the old instance still holds its own while it drains).
 */
final class PortPlan {
    /**
     * Recently handed out ports: another spawn must not get one before its instance records it,
     * however long its start or drain takes (a candidate is in no slot until it takes one).
     */
    private static final long HELD_NANOS = 30 * 60_000_000_000L;

    private final Supplier<Set<Integer>> recorded;
    private final Map<Integer, Long> handedOut = new HashMap<>();
    private volatile ProxySpec.PortRange range = ProxySpec.PortRange.DEFAULT;

    PortPlan(Supplier<Set<Integer>> recorded) {
        this.recorded = recorded;
    }

    void use(ProxySpec.PortRange range) {
        this.range = range;
    }

    /** The port instance {@code inst} starts on, or null for an app that listens on none. */
    Integer portFor(AppSpec spec, Instance inst) throws IOException {
        if (inst.trial) return inst.port;
        if (!spec.fronted()) return spec.port() == null ? null : spec.port() + inst.index;
        if (inst.port != null && inst.port >= range.first() && inst.port <= range.last() && free(inst.port)) return inst.port;
        return fresh();
    }

    /** A private port no instance has and nothing listens on. */
    synchronized int fresh() throws IOException {
        long now = System.nanoTime();
        handedOut.values().removeIf(t -> now - t > HELD_NANOS);
        Set<Integer> taken = recorded.get();
        ProxySpec.PortRange r = range;
        int size = r.last() - r.first() + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int k = 0; k < size; k++) {
            int port = r.first() + (start + k) % size;
            if (taken.contains(port) || handedOut.containsKey(port) || !free(port)) continue;
            handedOut.put(port, now);
            return port;
        }
        throw new IOException("no free private port in " + r.first() + "-" + r.last() + " (proxy.ports)");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port), 1); // the wildcard, as PortCheck: a listener on any address is a clash
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
