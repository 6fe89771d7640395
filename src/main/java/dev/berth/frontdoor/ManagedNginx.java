package dev.berth.frontdoor;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Output;
import dev.berth.files.PrivateFiles;
import dev.berth.supervisor.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * nginx run by Berth: its own prefix under BERTH_HOME/frontdoor/nginx, its own pid file, started
 * with {@code daemon on} so that it outlives the Berth daemon (as apps do) and is found again by
 * its pid file. A configuration is activated as: write it beside the live one, `nginx -t` it, move
 * it over the live one, then HUP the master (or start nginx); done when nginx answers the new
 * generation on its control port.
 */
final class ManagedNginx implements NginxRunner {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final Nginx nginx;
    private final ProcessTree tree;
    private final Path prefix;
    final NginxConfig.Layout layout;

    ManagedNginx(Nginx nginx, ProcessTree tree, Path frontdoorDir) throws IOException {
        this.nginx = nginx;
        this.tree = tree;
        this.prefix = frontdoorDir.resolve("nginx");
        if (prefix.toString().matches(".*[\\s;{}'\"$\\\\#].*")) {
            // every path nginx is given lives here: one that nginx would read as two words cannot work
            throw new IOException("BERTH_HOME " + frontdoorDir.getParent() + " holds a space, quote, ; { } $ # or \\, which nginx would misread: use another BERTH_HOME for the front door");
        }
        boolean root = isRoot();
        Path shared = root ? sharedDirOf(frontdoorDir) : prefix;
        this.layout = new NginxConfig.Layout(prefix, prefix.resolve("nginx.pid"), prefix.resolve("logs/error.log"), prefix.resolve("logs/access.log"),
                shared.resolve("temp"), shared.resolve("acme-challenge"), root ? workerUser() : null);
        PrivateFiles.directories(prefix.resolve("logs"));
        if (root) {
            // nginx's workers drop to an unprivileged user, who cannot enter BERTH_HOME: what they read and write is outside it
            for (Path d : List.of(shared, layout.tempDir())) {
                Files.createDirectories(d);
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } else {
            PrivateFiles.directories(layout.tempDir());
        }
        Files.createDirectories(layout.challengeDir());
        Files.setPosixFilePermissions(layout.challengeDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Path liveConfig() {
        return prefix.resolve("nginx.conf");
    }

    @Override public Path challengeDir() {
        return layout.challengeDir();
    }

    @Override public String render(NginxConfig.Inputs in) {
        return NginxConfig.managed(in, layout).text();
    }

    @Override public List<Long> apply(NginxConfig.Inputs in) throws Refused, IOException {
        NginxConfig.Rendered rendered = NginxConfig.managed(in, layout);
        String refused = test(rendered);
        if (refused != null) throw new Refused(refused);
        return activate(in.generation(), in.control());
    }

    @Override public Optional<String> live() throws IOException {
        return Files.exists(liveConfig()) ? Optional.of(Files.readString(liveConfig())) : Optional.empty();
    }

    @Override public String describe() {
        return "managed nginx " + nginx.version() + " (prefix " + prefix + ")";
    }

    /** The master's pid when nginx runs from this prefix. */
    @Override public Optional<Long> master() {
        return masterOf(layout.pidFile(), tree);
    }

    /** The nginx master a pid file names, if that process is alive and is an nginx (a stale file may name anything). */
    static Optional<Long> masterOf(Path pidFile, ProcessTree tree) {
        try {
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            long pid = Long.parseLong(text);
            if (tree.startTicks(pid).isEmpty()) return Optional.empty();
            // the pid is ours only if that process is an nginx (a stale pid file may name anything)
            Optional<Path> exe = readLink(Path.of("/proc", Long.toString(pid), "exe"));
            return exe.isPresent() && exe.get().getFileName().toString().startsWith("nginx") ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    List<Long> workers(long master) {
        return tree.descendants(master);
    }

    /** Checks a configuration without activating it: null when nginx takes it, else why not. */
    String test(NginxConfig.Rendered rendered) throws IOException {
        Path next = prefix.resolve("nginx.conf.next");
        PrivateFiles.writeAtomically(next, rendered.text().getBytes(StandardCharsets.UTF_8));
        return nginx.test(next, prefix, layout.errorLog(), java.util.Map.of(next, rendered));
    }

    /**
     * Activates a configuration {@link #test} accepted: moved over the live one, then nginx
     * reloaded (or started). Returns the workers that served the previous one (they drain).
     */
    List<Long> activate(long generation, Path control) throws IOException {
        byte[] previous = Files.exists(liveConfig()) ? Files.readAllBytes(liveConfig()) : null;
        PrivateFiles.moveAtomically(prefix.resolve("nginx.conf.next"), liveConfig());
        Optional<Long> master = master();
        List<Long> old = master.map(this::workers).orElse(List.of());
        try {
            if (master.isPresent()) {
                hup(master.get());
            } else {
                Files.deleteIfExists(control); // a killed nginx leaves its socket file, which a fresh bind() refuses
                start();
            }
            awaitGeneration(generation, control, layout.errorLog());
            awaitShuttingDown(old, tree);
        } catch (IOException e) {
            // the caller keeps the old instances serving: nginx must be back on what sends to them
            if (previous != null) {
                PrivateFiles.writeAtomically(liveConfig(), previous);
                Optional<Long> now = master();
                if (now.isPresent()) {
                    try {
                        hup(now.get());
                    } catch (IOException again) {
                        e.addSuppressed(again);
                    }
                }
            }
            throw new IOException(e.getMessage() + (previous == null ? "" : "; the previous configuration was put back"), e);
        }
        return old;
    }

    private static void hup(long master) throws IOException {
        CommandResult r = CommandRunner.local().run(Command.of("kill", "-HUP", Long.toString(master))
                .withOutput(Output.capturedWithErrors(4096)).withTimeout(Duration.ofSeconds(10)));
        if (!r.ok()) throw new IOException("cannot signal nginx (pid " + master + "): " + r.output().strip());
    }

    private void start() throws IOException {
        CommandResult r = CommandRunner.local().run(Command.of(nginx.program().toString(), "-p", prefix + "/", "-e", layout.errorLog().toString(),
                "-c", liveConfig().toString()).withOutput(Output.capturedWithErrors(16 * 1024)).withTimeout(Duration.ofSeconds(30)));
        if (!r.ok()) throw new IOException("nginx did not start: " + Nginx.refusal(r.output() + r.errors(), java.util.Map.of())
                .replace("nginx refused its configuration: ", ""));
    }

    /**
     * Waits until nginx answers the generation: from then on new connections get the new
     * configuration. A plain socket, not the JDK's HTTP client: the daemon need not load and keep
     * that client (its selector thread and buffers) for a line of text from 127.0.0.1.
     */
    static void awaitGeneration(long generation, Path control, Path errorLog) throws IOException {
        long end = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < end) {
            try (java.nio.channels.SocketChannel s = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(control))) {
                s.write(java.nio.ByteBuffer.wrap("GET /berth/generation HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                // nginx answers at once and closes (HTTP/1.0): read to the end, bounded in bytes and in time
                s.configureBlocking(false);
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1024);
                long until = System.nanoTime() + 2_000_000_000L;
                while (buf.hasRemaining() && System.nanoTime() < until) {
                    int n = s.read(buf);
                    if (n < 0) break;
                    if (n == 0) Thread.sleep(1);
                }
                String answer = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
                int body = answer.indexOf("\r\n\r\n");
                String said = body < 0 ? "" : answer.substring(body + 4).strip();
                if (answer.startsWith("HTTP/1.1 200") && said.equals(Long.toString(generation))) return;
                last = "generation " + said;
            } catch (IOException e) {
                last = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while nginx reloaded");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while nginx reloaded");
            }
        }
        throw new IOException("nginx did not take the new configuration within " + READY_TIMEOUT.toSeconds() + " s (control port says: " + last
                + "); see " + errorLog);
    }

    /**
     * The new workers answer the new generation a moment before the master tells the old ones to
     * stop accepting: until each old worker has exited or calls itself "shutting down" (nginx sets
     * that title as it closes its listening sockets), a new connection may still get the old
     * configuration. Bounded: a worker that never says so is given up on after 5 s.
     */
    static void awaitShuttingDown(List<Long> oldWorkers, ProcessTree tree) {
        long end = System.nanoTime() + 5_000_000_000L;
        for (long pid : oldWorkers) {
            while (System.nanoTime() < end) {
                Optional<String> title = tree.title(pid);
                if (title.isEmpty() || title.get().contains("shutting down") || !title.get().contains("worker process")) break;
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        try {
            Thread.sleep(10); // the accept events an old worker had already taken in before it closed its sockets
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until these (old) workers have exited, at most {@code limit}. */
    @Override public boolean drained(List<Long> oldWorkers, Duration limit) {
        return drainedOf(oldWorkers, limit, tree);
    }

    static boolean drainedOf(List<Long> oldWorkers, Duration limit, ProcessTree tree) {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            if (oldWorkers.stream().noneMatch(p -> tree.startTicks(p).isPresent())) return true;
            if (System.nanoTime() > end) return false;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Stops nginx: QUIT lets the workers finish what they serve. */
    @Override public void stop(Duration limit) throws IOException {
        Optional<Long> master = master();
        if (master.isEmpty()) return;
        CommandRunner.local().run(Command.of("kill", "-QUIT", Long.toString(master.get())).withTimeout(Duration.ofSeconds(10)));
        long end = System.nanoTime() + limit.toNanos();
        while (tree.startTicks(master.get()).isPresent() && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (tree.startTicks(master.get()).isPresent()) CommandRunner.local().run(Command.of("kill", "-KILL", Long.toString(master.get())));
    }

    private static Optional<Path> readLink(Path link) {
        try {
            return Optional.of(Files.readSymbolicLink(link));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Debian's nginx user when it is there, else nobody. */
    static String workerUser() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                if (line.startsWith("www-data:")) return "www-data";
            }
        } catch (IOException e) {
            // nobody, below
        }
        return "nobody";
    }

    private static Path sharedDirOf(Path frontdoorDir) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(frontdoorDir.toString().getBytes(StandardCharsets.UTF_8));
            return Path.of("/var/cache/berth-nginx", HexFormat.of().formatHex(digest, 0, 6));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
