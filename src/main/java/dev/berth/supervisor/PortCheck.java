package dev.berth.supervisor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether an instance's port is free before the instance starts, and if not, who holds it.
 * Without this a clash shows only as `exited with code 1` and a line in the app's error log.
 */
final class PortCheck {
    private PortCheck() { }

    /** Null when the port can be bound on every address; else "port N is in use by pid P (command)". */
    static String inUse(int port, ProcessTree tree) {
        // The wildcard address of a dual-stack socket clashes with a listener on any IPv4 or IPv6 address.
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // a socket in TIME_WAIT is no clash: the app may bind over it
            s.bind(new InetSocketAddress(port), 1);
            return null;
        } catch (IOException e) {
            return "port " + port + " is in use by " + tree.listenerOf(port).orElse("another process");
        }
    }

    /** A port the kernel hands out as free now (for a preflight, which starts at once). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            return s.getLocalPort();
        }
    }
}
