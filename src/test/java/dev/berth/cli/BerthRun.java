package dev.berth.cli;

import dev.berth.json.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The real CLI as a separate process, with its own BERTH_HOME and project directory, so
 * tests see exactly what a user sees: stdout, stderr, exit code, a real daemon and real apps.
 * close() stops the daemon and kills every process the test started.
 */
final class BerthRun implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("berth.root", ".")).toAbsolutePath().normalize();
    static final Path TESTAPPS = ROOT.resolve("testapps");

    final Path home;
    final Path project;
    /** Where run() keeps the captured stdout/stderr of a command (BERTH_HOME unless given). */
    private final Path scratch;

    record Result(int exit, String out, String err) {
        String all() { return out + err; }

        @Override public String toString() { return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err; }
    }

    BerthRun(Path tempDir) throws IOException {
        this.home = Files.createDirectories(tempDir.resolve("home"));
        this.project = Files.createDirectories(tempDir.resolve("project"));
        this.scratch = home;
    }

    /** A BERTH_HOME that does not exist yet (the first command creates it), for tests of how Berth creates it. */
    static BerthRun withFreshHome(Path tempDir) throws IOException {
        return new BerthRun(tempDir.resolve("fresh-home"), Files.createDirectories(tempDir.resolve("project")),
                Files.createDirectories(tempDir.resolve("scratch")));
    }

    private BerthRun(Path home, Path project, Path scratch) {
        this.home = home;
        this.project = project;
        this.scratch = scratch;
    }

    /** Environment every command gets (and so the daemon the first one starts, and its apps). */
    final Map<String, String> env = new java.util.LinkedHashMap<>();

    /** The umask the CLI runs with (and so the daemon it starts, and the apps); null: this JVM's. */
    private String umask;

    /** Runs every command under `sh -c 'umask MASK; exec ...'`. */
    BerthRun withUmask(String mask) {
        this.umask = mask;
        return this;
    }

    void writeConfig(String yaml) throws IOException {
        Files.writeString(project.resolve("berth.yml"), yaml.replace("$TESTAPPS", TESTAPPS.toString()));
    }

    Result run(String... args) {
        return run(Map.of(), args);
    }

    Result run(Map<String, String> extraEnv, String... args) {
        return run(extraEnv, Path.of("/dev/null"), args);
    }

    /** Runs with stdin read from a file (a password for --password-stdin). */
    Result runWithInput(Path stdin, String... args) {
        return run(Map.of(), stdin, args);
    }

    private Result run(Map<String, String> extraEnv, Path stdin, String... args) {
        try {
            List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.berth.cli.Main"));
            argv.addAll(List.of(args));
            if (umask != null) argv.addAll(0, List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
            ProcessBuilder pb = new ProcessBuilder(argv).directory(project.toFile());
            pb.environment().put("BERTH_HOME", home.toString());
            pb.environment().putAll(env);
            pb.environment().putAll(extraEnv);
            Path out = Files.createTempFile(scratch, "out", ".txt");
            Path err = Files.createTempFile(scratch, "err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("berth " + String.join(" ", args) + " did not finish in 180s");
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs and asserts exit 0. */
    Result ok(String... args) {
        return ok(Map.of(), args);
    }

    /** Runs with extra environment and asserts exit 0. */
    Result ok(Map<String, String> extraEnv, String... args) {
        Result r = run(extraEnv, args);
        if (r.exit() != 0) throw new AssertionError("berth " + String.join(" ", args) + " failed: " + r);
        return r;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> status() {
        Result r = run("status", "--json");
        if (r.exit() > 1) throw new AssertionError("status failed: " + r);
        return (List<Map<String, Object>>) (List<?>) Json.readList(r.out());
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> instances(String app) {
        for (Map<String, Object> a : status()) {
            if (app.equals(a.get("name"))) return (List<Map<String, Object>>) a.get("instances");
        }
        throw new AssertionError("no app " + app + " in status");
    }

    Long pid(String app, int index) {
        Object pid = instances(app).get(index).get("pid");
        return pid == null ? null : ((Number) pid).longValue();
    }

    String state(String app, int index) {
        return (String) instances(app).get(index).get("state");
    }

    /** `describe APP --json`, parsed. */
    Map<String, Object> describe(String app) {
        Result r = run("describe", app, "--json");
        if (r.exit() != 0) throw new AssertionError("describe " + app + " failed: " + r);
        return Json.readMap(r.out());
    }

    /** The reason field of one instance, as `describe --json` shows it. */
    @SuppressWarnings("unchecked")
    String reason(String app, int index) {
        return (String) ((List<Map<String, Object>>) describe(app).get("instances")).get(index).get("reason");
    }

    /** A log file of an instance under BERTH_HOME/logs ("out" or "err"), "" when it does not exist. */
    String log(String app, int index, String stream) {
        try {
            Path f = home.resolve("logs").resolve(app + "-" + index + "-" + stream + ".log");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** kill -SIGNAL -- -pid: signals the whole process group an instance leads. */
    static void killGroup(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    long daemonPid() throws IOException {
        return ((Number) Json.readMap(Files.readString(home.resolve("daemon.json"))).get("pid")).longValue();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A free port with the next `count - 1` ports free too (for several instances). */
    static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 30000 + (int) (Math.random() * 2700); // below the ephemeral ports, above the front door's private 20000-29999
            boolean all = true;
            for (int i = 0; i < count && all; i++) {
                try (ServerSocket s = new ServerSocket(base + i, 1, java.net.InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    all = false;
                }
            }
            if (all) return base;
        }
        throw new IOException("no free port range");
    }

    static String httpGet(int port, String path) {
        try {
            var c = (java.net.HttpURLConnection) java.net.URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(3000);
            try (var in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
        } catch (IOException e) {
            return null;
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier cond) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
    }

    static boolean alive(long pid) {
        // zombies count as dead
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    String daemonLog() {
        try {
            return Files.readString(home.resolve("daemon.log"));
        } catch (IOException e) {
            return "(no daemon.log)";
        }
    }

    boolean daemonAlive() {
        try {
            return Files.exists(home.resolve("daemon.json")) && alive(daemonPid());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** PIDs to kill at close, besides the instances `status` knows (for tests that kill the daemon). */
    final List<Long> alsoKill = new ArrayList<>();

    @Override public void close() {
        List<Long> pids = new ArrayList<>(alsoKill);
        if (daemonAlive()) { // asking a dead daemon would start a new one
            try {
                for (Map<String, Object> a : status()) {
                    for (Object io : (List<?>) a.get("instances")) {
                        Object pid = ((Map<?, ?>) io).get("pid");
                        if (pid != null) pids.add(((Number) pid).longValue());
                    }
                }
            } catch (AssertionError | RuntimeException ignored) {
                // alsoKill has the rest
            }
        }
        try {
            if (Files.exists(home.resolve("daemon.json"))) ProcessHandle.of(daemonPid()).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
        try {
            // the front door's nginx outlives the daemon, as apps do
            Path nginxPid = home.resolve("frontdoor/nginx/nginx.pid");
            if (Files.exists(nginxPid)) pids.add(Long.parseLong(Files.readString(nginxPid).strip()));
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
        for (long pid : pids) {
            try {
                // each instance leads its own process group: kill the whole group
                new ProcessBuilder("kill", "-9", "--", "-" + pid).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException | InterruptedException ignored) {
                // best effort
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
