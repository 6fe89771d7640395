package dev.berth.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Podman for the container tests, and their images, built here: there is no registry. The base
 * image is a static busybox (Debian's busybox-static) in an otherwise empty root filesystem,
 * imported with `podman import`; it has sh, httpd and the usual tools. Missing podman, runc or
 * busybox skips a test saying so, and fails it under CI=true.
 *
 * <p>The engine runs with a containers.conf of the tests' own (CONTAINERS_CONF): runc, which works
 * where crun refuses a hybrid cgroup layout (this kind of machine), and ulimits the sandbox lets a
 * process set (Podman's default raises nofile past a hard limit it may not raise).
 */
public final class TestEngine {
    public static final String BASE = "localhost/berth-test-busybox:1";
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static Path conf;

    private TestEngine() { }

    /** Why the container tests cannot run here, or null when they can. */
    public static String missing() {
        if (dev.berth.exec.Executables.onPath("podman").isEmpty()) return "podman is not installed (scripts/prerequisites --test installs it)";
        if (dev.berth.exec.Executables.onPath("runc").isEmpty()) return "runc is not installed (scripts/prerequisites --test installs it)";
        if (!Files.isExecutable(BUSYBOX)) return "busybox is not installed (Debian's busybox-static; scripts/prerequisites --test installs it)";
        return null;
    }

    /** Skips the calling test when the engine is missing (a failure under CI=true). */
    public static void assume() {
        String why = missing();
        if (why != null && "true".equals(System.getenv("CI"))) throw new AssertionError(why);
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, why);
    }

    /** The environment the tests' engine (and a daemon that drives it) needs. */
    public static synchronized Map<String, String> env() throws IOException {
        if (conf == null) {
            Path dir = Files.createTempDirectory("berth-test-containers");
            conf = dir.resolve("containers.conf");
            Files.writeString(conf, """
                    [containers]
                    default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

                    [engine]
                    runtime = "runc"
                    """);
            dir.toFile().deleteOnExit();
            conf.toFile().deleteOnExit();
        }
        return Map.of("CONTAINERS_CONF", conf.toString());
    }

    /**
     * An image of busybox plus the given files (path in the image to content), tagged as named;
     * made once per JVM and tag.
     */
    public static synchronized String image(String tag, Map<String, String> files) throws Exception {
        if (podman("image", "exists", tag).exit == 0) podman("rmi", "-f", tag);
        Path root = Files.createTempDirectory("berth-test-rootfs");
        try {
            Path bin = Files.createDirectories(root.resolve("bin"));
            Files.copy(BUSYBOX, bin.resolve("busybox"));
            for (String tool : List.of("sh", "httpd", "sleep", "echo", "cat", "ls", "kill", "wget", "mkdir", "dd", "head", "env", "true", "false")) {
                Files.createSymbolicLink(bin.resolve(tool), Path.of("busybox"));
            }
            Files.createDirectories(root.resolve("tmp"));
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = root.resolve(f.getKey().substring(1));
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
            }
            Path tar = root.resolveSibling(root.getFileName() + ".tar");
            Result t = run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."));
            if (t.exit != 0) throw new AssertionError("tar: " + t.output);
            Result r = podman("import", "--change", "CMD [\"/bin/sh\"]", tar.toString(), tag);
            Files.deleteIfExists(tar);
            if (r.exit != 0) throw new AssertionError("podman import failed: " + r.output);
            return tag;
        } finally {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Removes every container of a BERTH_HOME (the tests' clean-up), whatever state it is in. */
    public static void removeAll(Path home) throws Exception {
        Result ids = podman("ps", "-aq", "--filter", "label=" + RunArguments.HOME_LABEL + "=" + home);
        for (String id : ids.output.strip().split("\\s+")) {
            if (!id.isBlank()) podman("rm", "-f", "--time=0", id);
        }
    }

    /** The names of the running containers of a BERTH_HOME and app. */
    public static List<String> running(Path home, String app) throws Exception {
        Result r = podman("ps", "--format", "{{.Names}}", "--filter", "label=" + RunArguments.HOME_LABEL + "=" + home,
                "--filter", "label=" + RunArguments.APP_LABEL + "=" + app);
        List<String> out = new ArrayList<>();
        for (String n : r.output.strip().split("\\s+")) if (!n.isBlank()) out.add(n);
        return out;
    }

    public record Result(int exit, String output) { }

    public static Result podman(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("podman"));
        argv.addAll(List.of(args));
        return run(argv);
    }

    private static Result run(List<String> argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(argv + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), new String(out));
    }
}
