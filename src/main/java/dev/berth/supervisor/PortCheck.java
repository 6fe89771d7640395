package dev.berth.supervisor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether an instance's port is free before the instance starts, and if not, who holds it.
 * Without this a clash shows only as `exited with code 1` and a line in the app's error log.
 */
final class PortCheck {
    private PortCheck() { }

    /** Null when the port can be bound on every address; else "port N is in use by pid P (command)". */
    static String inUse(int port) {
        // The wildcard address of a dual-stack socket clashes with a listener on any IPv4 or IPv6 address.
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // a socket in TIME_WAIT is no clash: the app may bind over it
            s.bind(new InetSocketAddress(port), 1);
            return null;
        } catch (IOException e) {
            return "port " + port + " is in use by " + holder(port);
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

    /** "pid N (command line)" of the process that listens on the port, or "another process" when it cannot be seen. */
    static String holder(int port) {
        Set<String> inodes = listeningInodes(port);
        if (inodes.isEmpty()) return "another process";
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                try (var fds = Files.list(p.resolve("fd"))) {
                    for (Path fd : (Iterable<Path>) fds::iterator) {
                        String link;
                        try {
                            link = Files.readSymbolicLink(fd).toString();
                        } catch (IOException e) {
                            continue;
                        }
                        if (link.startsWith("socket:[") && inodes.contains(link.substring(8, link.length() - 1))) {
                            return "pid " + name + " (" + commandLine(p) + ")";
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process, or gone: go on
                }
            }
        } catch (IOException e) {
            return "another process";
        }
        return "another process";
    }

    /** Inodes of sockets listening on the port, from /proc/net/tcp and tcp6. */
    private static Set<String> listeningInodes(int port) {
        Set<String> out = new HashSet<>();
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) out.add(f[9]);
                }
            } catch (IOException e) {
                // no such table (no IPv6): go on
            }
        }
        return out;
    }

    /**
     * The program and its first plain argument (`python3 app.py`): enough to recognise it, and
     * no options, where a password on a command line would be.
     */
    private static String commandLine(Path proc) {
        try {
            String[] argv = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
            if (argv.length == 0 || argv[0].isEmpty()) return "?";
            String out = Path.of(argv[0]).getFileName().toString();
            for (int i = 1; i < argv.length; i++) {
                if (argv[i].startsWith("-") || argv[i].contains("=")) continue;
                out += " " + Path.of(argv[i]).getFileName();
                break;
            }
            return out.length() > 60 ? out.substring(0, 57) + "..." : out;
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
