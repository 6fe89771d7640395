package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short soak: bench/soak with one kill of each kind (supervision under load, log rotation,
 * the first start of a new app, restart, reload, deploy, rollback, backup, off-site upload,
 * restore, drill), against this build's CLI and daemon. It checks from /proc, the files and
 * the databases that nothing was lost, duplicated, orphaned or forgotten; the seed is printed
 * so a failure can be run again with `BENCH_SEED=N bench/soak/run`.
 */
class SoakIT {
    @TempDir Path tmp;

    @Test void aKillOfEachKindLosesNothing() throws Exception {
        BackupIT.requireServer("PostgreSQL", 5432);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        Path wrapper = tmp.resolve("berth");
        Files.writeString(wrapper, "#!/bin/sh\nexec " + java + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + cp + "' dev.berth.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        long seed = System.currentTimeMillis() % 100000;
        String tag = "berth-soak-it-" + seed;
        ProcessBuilder pb = new ProcessBuilder("python3", BerthRun.ROOT.resolve("bench/soak/soak.py").toString())
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile());
        pb.environment().put("BENCH_BERTH", wrapper.toString());
        pb.environment().put("BENCH_TMP", tmp.resolve("soak").toString());
        pb.environment().put("BENCH_TESTAPPS", BerthRun.TESTAPPS.toString());
        pb.environment().put("BENCH_SEED", Long.toString(seed));
        pb.environment().put("BENCH_KILLS", "1");
        pb.environment().put("BENCH_S3_CLASSPATH", cp); // S3Proxy is a test dependency
        pb.environment().put("BENCH_JAVA", java);
        pb.environment().put("BENCH_TAG_VALUE", tag);
        pb.environment().put("BENCH_STEP_S", "0.1");
        pb.environment().put("BENCH_SETTLE", "500ms");
        // how long each operation takes here (bench/soak/run measures them instead)
        pb.environment().put("BENCH_WINDOWS", "load=1,logrotate=1,newapp=0.5,restart=0.5,reload=0.5,deploy=2,rollback=1.5,backup=0.3,"
                + "offsite=0.8,restore=0.7,drill=1.4");
        Process p = pb.start();
        try {
            boolean done = p.waitFor(150, TimeUnit.SECONDS);
            String out = Files.readString(tmp.resolve("out.txt"));
            String err = Files.readString(tmp.resolve("err.txt"));
            String what = "seed " + seed + "\n--- stdout\n" + out + "\n--- stderr (last part)\n" + err.substring(Math.max(0, err.length() - 6000));
            assertTrue(done, "the short soak ends by itself: " + what);
            assertEquals(0, p.exitValue(), "nothing lost, duplicated, orphaned or forgotten: " + what);
            // all  kills  cut-short  lost  duplicated  orphaned  forgotten ...
            Matcher all = Pattern.compile("(?m)^all\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(out);
            assertTrue(all.find(), what);
            assertEquals(11, Integer.parseInt(all.group(1)), "a kill of each kind: " + what);
            for (int c = 3; c <= 6; c++) assertEquals("0", all.group(c), what);
        } finally {
            p.destroyForcibly();
            sweep(tag, tmp.resolve("soak/berth-home").toString());
        }
    }

    /** Whatever the soak left if it was cut short: its daemon, apps and S3Proxy, by their environment. */
    private static void sweep(String tag, String home) {
        List<Long> pids = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path d : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String env = new String(Files.readAllBytes(d.resolve("environ")));
                    if (env.contains("BENCH_TAG=" + tag) || env.contains("BERTH_HOME=" + home + "\0")) pids.add(Long.parseLong(d.getFileName().toString()));
                } catch (Exception gone) {
                    // exited
                }
            }
        } catch (Exception ignored) {
            // best effort
        }
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
}
