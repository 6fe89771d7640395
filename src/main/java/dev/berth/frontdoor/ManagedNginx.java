package dev.berth.frontdoor;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Output;
import dev.berth.files.PrivateFiles;
import dev.berth.http.HttpProbeAnswer;
import dev.berth.http.HttpProbeRequest;
import dev.berth.http.HttpProber;
import dev.berth.supervisor.ProcessTree;
import java.io.IOException;
import java.net.URI;
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
        return activate(in.generation(), in.controlPort());
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
    List<Long> activate(long generation, int controlPort) throws IOException {
        PrivateFiles.moveAtomically(prefix.resolve("nginx.conf.next"), liveConfig());
        Optional<Long> master = master();
        List<Long> old = master.map(this::workers).orElse(List.of());
        if (master.isPresent()) {
            CommandResult r = CommandRunner.local().run(Command.of("kill", "-HUP", Long.toString(master.get()))
                    .withOutput(Output.capturedWithErrors(4096)).withTimeout(Duration.ofSeconds(10)));
            if (!r.ok()) throw new IOException("cannot signal nginx (pid " + master.get() + "): " + r.output().strip());
        } else {
            start();
        }
        awaitGeneration(generation, controlPort, layout.errorLog());
        return old;
    }

    private void start() throws IOException {
        CommandResult r = CommandRunner.local().run(Command.of(nginx.program().toString(), "-p", prefix + "/", "-e", layout.errorLog().toString(),
                "-c", liveConfig().toString()).withOutput(Output.capturedWithErrors(16 * 1024)).withTimeout(Duration.ofSeconds(30)));
        if (!r.ok()) throw new IOException("nginx did not start: " + Nginx.refusal(r.output() + r.errors(), java.util.Map.of())
                .replace("nginx refused its configuration: ", ""));
    }

    /** Waits until nginx answers the generation: from then on new connections get the new configuration. */
    static void awaitGeneration(long generation, int controlPort, Path errorLog) throws IOException {
        URI uri = URI.create("http://127.0.0.1:" + controlPort + "/berth/generation");
        long end = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < end) {
            HttpProbeAnswer a = HttpProber.send(HttpProbeRequest.get(uri, Duration.ofSeconds(2)).withBodyLimit(64));
            if (a.answered() && a.body().strip().equals(Long.toString(generation))) return;
            last = a.answered() ? "generation " + a.body().strip() : a.problem();
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
    private static String workerUser() {
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
