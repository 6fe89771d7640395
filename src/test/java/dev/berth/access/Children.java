package dev.berth.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Other JVMs a test starts (on this test's classpath), under a umask of its choosing: a second CLI. */
final class Children {
    private Children() { }

    record Exit(int code, String stdout, String stderr) { }

    /** Starts main class with args under `umask mask`; env BERTH_HOME=home. */
    static Process start(String umask, Path home, Class<?> main, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("BERTH_HOME", home.toString());
        return pb.start();
    }

    /** Runs it to the end, with stdin as given (null: none). */
    static Exit run(String umask, Path home, String stdin, Class<?> main, String... args) throws Exception {
        Process p = start(umask, home, main, args);
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child did not end: " + main.getName());
        }
        return new Exit(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
