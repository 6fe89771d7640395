package dev.berth.cli;

import dev.berth.api.Token;
import dev.berth.daemon.BerthHome;
import dev.berth.daemon.Daemon;
import dev.berth.files.PrivateFiles;
import dev.berth.json.Json;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Talks to the daemon of a BERTH_HOME over its API, starting it first when needed (as PM2
 * does on first use). Reads daemon.json for the port and the token file for the token.
 */
final class DaemonClient {
    private final BerthHome home;

    DaemonClient(BerthHome home) {
        this.home = home;
    }

    /** The daemon's port and pid when one answers, else null. */
    Map<String, Object> ping() {
        Map<String, Object> info = liveInfo();
        if (info == null) return null;
        try {
            return call("GET", "/api/v1/ping", null, info);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * As ping(), but when a daemon holds BERTH_HOME without answering yet (it is adopting what a
     * killed one left), waits for it to answer, up to the usual 20 s; null when none is there.
     */
    Map<String, Object> pingOrAwait() {
        Map<String, Object> info = ping();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (info == null && lockHolderAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            info = ping();
        }
        return info;
    }

    /**
     * daemon.json when the daemon it names is alive, else null. Checking the pid keeps the
     * token from going to whatever else took the port of a daemon that died.
     */
    private Map<String, Object> liveInfo() {
        try {
            if (!Files.exists(home.daemonInfo()) || !Files.exists(home.token())) return null;
            Map<String, Object> info = Json.readMap(Files.readString(home.daemonInfo()));
            Object pid = info.get("pid");
            if (!(pid instanceof Number n) || !isBerthDaemon(n.longValue())) return null;
            return info;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether pid is alive and is a berth daemon, from /proc/PID/cmdline: cheaper than
     * ProcessHandle (whose set-up is a few ms of every call), and a pid reused by some other
     * program after a crash does not pass.
     */
    static boolean isBerthDaemon(long pid) {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            return cmdline.contains("dev.berth.cli.Main\0daemon\0run");
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a daemon is running for this BERTH_HOME (without starting one). */
    boolean running() {
        return liveInfo() != null;
    }

    Map<String, Object> get(String path) {
        return request("GET", path, null);
    }

    Map<String, Object> post(String path, Map<String, Object> body) {
        return request("POST", path, body);
    }

    /** One call, without a separate ping first: a daemon that is not there is started, and one that just died is started once more. */
    private Map<String, Object> request(String method, String path, Map<String, Object> body) {
        Map<String, Object> info = liveInfo();
        if (info == null) info = ensureRunning();
        try {
            try {
                return call(method, path, body, info);
            } catch (ConnectException gone) {
                info = ensureRunning();
                return call(method, path, body, info);
            }
        } catch (ConnectException e) {
            throw new CliException(ExitCodes.DAEMON, "the daemon at port " + info.get("port") + " does not answer: " + e.getMessage());
        } catch (IOException e) {
            throw new CliException(ExitCodes.DAEMON, "talking to the daemon failed: " + e.getMessage());
        }
    }

    private Map<String, Object> call(String method, String path, Map<String, Object> body, Map<String, Object> info) throws IOException {
        String token = Token.read(home.token());
        String host = String.valueOf(info.getOrDefault("host", "127.0.0.1"));
        int port = ((Number) info.get("port")).intValue();
        byte[] payload = body == null ? null : Json.write(body).getBytes(StandardCharsets.UTF_8);
        // No read timeout: operations return when their outcome is known, which may take a while.
        LoopbackHttp.Response r = LoopbackHttp.exchange(host, port, method, path, token, payload, 2000);
        String text = new String(r.body(), StandardCharsets.UTF_8);
        Map<String, Object> json = text.isEmpty() ? Map.of() : Json.readMap(text);
        if (r.status() >= 400) throw toCliException(r.status(), json);
        return json;
    }

    private static CliException toCliException(int status, Map<String, Object> json) {
        String code = String.valueOf(json.getOrDefault("code", "HTTP_" + status));
        String message = String.valueOf(json.getOrDefault("message", "HTTP " + status));
        List<String> problems = Reply.of(json).strings("problems");
        int exit = switch (code) {
            case "CONFIG_INVALID" -> ExitCodes.CONFIG;
            case "NOT_FOUND" -> ExitCodes.NOT_FOUND;
            case "BAD_REQUEST" -> ExitCodes.USAGE;
            case "UNAUTHORIZED" -> ExitCodes.DAEMON;
            default -> ExitCodes.FAILED;
        };
        return new CliException(exit, message, problems);
    }

    /** Returns daemon.json of a live daemon, starting one when none answers. */
    Map<String, Object> ensureRunning() {
        Map<String, Object> alive = ping();
        if (alive != null) return alive;
        startDaemon();
        Map<String, Object> info = ping();
        if (info == null) throw new CliException(ExitCodes.DAEMON, "the daemon started but does not answer; see " + home.daemonLog());
        return info;
    }

    /**
     * Makes sure a daemon serves BERTH_HOME and returns its pid once it answers. Several CLIs
     * (systemd, cron, two operators) may start one at the same moment: one daemon takes the
     * lock, the others' daemons exit at once, and every CLI waits, within the same deadline, for
     * the holder of the lock to answer (it publishes daemon.json only after adopting the apps).
     */
    long startDaemon() {
        try {
            home.ensure();
            PrivateFiles.file(home.daemonLog()); // appended to by the redirect below, which would create it with the umask's mode
        } catch (IOException e) {
            throw new CliException(ExitCodes.DAEMON, "cannot create BERTH_HOME " + home.dir() + ": " + e.getMessage());
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        Process p = lockHolderAlive() ? null : spawnDaemon();
        int spawned = p == null ? 0 : 1;
        while (System.nanoTime() < deadline) {
            Map<String, Object> info = ping();
            if (info != null) return ((Number) info.get("pid")).longValue();
            if (p != null && !p.isAlive()) {
                if (p.exitValue() != Daemon.LOCK_HELD) {
                    Map<String, Object> other = ping();
                    if (other != null) return ((Number) other.get("pid")).longValue();
                    throw new CliException(ExitCodes.DAEMON, "the daemon exited at start (code " + p.exitValue() + "):\n" + tail(home.daemonLog(), 15));
                }
                p = null; // another daemon holds the lock: wait for it to answer
            }
            if (p == null && !lockHolderAlive() && spawned < 5) {
                // the holder ended without answering (it was stopping, or failed at start): start one again
                p = spawnDaemon();
                spawned++;
            }
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String holder = home.lockHolder().filter(DaemonClient::isBerthDaemon).map(pid -> " (the daemon holding BERTH_HOME is pid " + pid + ")").orElse("");
        throw new CliException(ExitCodes.DAEMON, "the daemon did not answer within 20s" + holder + "; see " + home.daemonLog());
    }

    /** Whether the pid daemon.lock names is a live berth daemon: one holds BERTH_HOME, and may not answer yet. */
    private boolean lockHolderAlive() {
        return home.lockHolder().filter(DaemonClient::isBerthDaemon).isPresent();
    }

    /** Spawns `berth daemon run --unless-running` in its own session with the same JVM and classpath as this CLI. */
    private Process spawnDaemon() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>(List.of("setsid", java));
        String opts = System.getenv("BERTH_DAEMON_JAVA_OPTS");
        argv.addAll(opts != null && !opts.isBlank() ? List.of(opts.trim().split("\\s+")) : DaemonJvm.OPTIONS);
        argv.addAll(List.of("-cp", daemonClasspath(), "dev.berth.cli.Main", "daemon", "run", "--unless-running"));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("BERTH_HOME", home.dir().toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(home.daemonLog().toFile()));
        pb.redirectErrorStream(true);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new CliException(ExitCodes.DAEMON, "cannot start the daemon (" + argv.get(1) + "): " + e.getMessage());
        }
    }

    /**
     * The daemon runs from its own copy of berth.jar (and berth-logd) under BERTH_HOME/lib: a
     * rebuilt or upgraded jar must not pull classes from under a daemon that is still running.
     */
    private String daemonClasspath() {
        String cp = System.getProperty("java.class.path");
        Path jar = Path.of(cp);
        if (cp.contains(File.pathSeparator) || !cp.endsWith(".jar") || !Files.isRegularFile(jar)) return cp;
        try {
            Path lib = PrivateFiles.directories(home.dir().resolve("lib"));
            String stamp = Long.toHexString(Files.size(jar)) + "-" + Long.toHexString(Files.getLastModifiedTime(jar).toMillis());
            Path dir = lib.resolve(stamp);
            Path copy = dir.resolve("berth.jar");
            if (!Files.exists(copy)) {
                Path tmp = Files.createTempDirectory(lib, ".new-");
                Files.copy(jar, tmp.resolve("berth.jar"));
                Files.setPosixFilePermissions(tmp.resolve("berth.jar"), PrivateFiles.FILE); // tmp is 0700: nobody else saw it meanwhile
                Path logd = jar.resolveSibling("berth-logd");
                if (Files.exists(logd)) {
                    Files.copy(logd, tmp.resolve("berth-logd"));
                    Files.setPosixFilePermissions(tmp.resolve("berth-logd"), PrivateFiles.DIRECTORY); // rwx------
                }
                try {
                    PrivateFiles.moveAtomically(tmp, dir);
                } catch (IOException raced) {
                    // another CLI made the same copy at the same time
                }
            }
            pruneOldCopies(lib, dir);
            return copy.toString();
        } catch (IOException e) {
            return cp;
        }
    }

    /** Keeps the copy in use and the newest other one (a daemon may still run from it). */
    private static void pruneOldCopies(Path lib, Path current) {
        try (var dirs = Files.list(lib)) {
            List<Path> old = dirs.filter(p -> !p.equals(current) && Files.isDirectory(p))
                    .sorted(Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed()).toList();
            for (Path p : old.subList(Math.min(1, old.size()), old.size())) {
                try (var files = Files.walk(p)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
                }
            }
        } catch (IOException ignored) {
            // old copies only cost disk space
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no daemon log at " + file + ")";
        }
    }
}
