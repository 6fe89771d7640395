package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Several starters at once (systemd, cron, two operators): one daemon takes BERTH_HOME, and every
 * CLI waits for it to answer, even while it is still adopting what a killed daemon left running.
 */
class DaemonStartIT extends BerthIT {
    @Test void twoCliCallsAfterAKillBothReachTheOneDaemonThatWins() throws Exception {
        berth.writeConfig("""
                apps:
                  worker:
                    run: sleep 300
                    instances: 3
                    min_uptime: 200ms
                """);
        berth.ok("start");
        for (int round = 0; round < 3; round++) {
            long daemon = berth.daemonPid();
            new ProcessBuilder("kill", "-9", String.valueOf(daemon)).start().waitFor();
            BerthRun.await("the daemon is gone", Duration.ofSeconds(10), () -> !BerthRun.alive(daemon));
            List<Future<BerthRun.Result>> calls = new ArrayList<>();
            try (ExecutorService side = Executors.newVirtualThreadPerTaskExecutor()) { // at once (the common pool has one thread on 2 cores)
                calls.add(side.submit(() -> berth.run("daemon", "start")));
                calls.add(side.submit(() -> berth.run("status")));
                calls.add(side.submit(() -> berth.run("describe", "worker")));
            }
            for (Future<BerthRun.Result> c : calls) {
                BerthRun.Result r = c.get();
                assertEquals(0, r.exit(), "round " + round + ": every caller reaches the daemon: " + r + "\n--- daemon.log\n" + berth.daemonLog());
            }
            assertEquals(3, berth.instances("worker").size());
            assertEquals(1, daemonsOf(berth.home.toString()).size(), "round " + round + ": one daemon: " + daemonsOf(berth.home.toString()));
        }
    }

    @Test void aForegroundDaemonWaitsForTheOneServingAndTakesOverWhenItEnds() throws Exception {
        berth.writeConfig("""
                apps:
                  worker:
                    run: sleep 300
                    min_uptime: 200ms
                """);
        berth.ok("start");
        long first = berth.daemonPid();
        long worker = berth.pid("worker", 0);
        // what the systemd unit runs
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.berth.cli.Main", "daemon", "run")
                .redirectErrorStream(true).redirectOutput(berth.home.resolve("foreground.log").toFile());
        pb.environment().put("BERTH_HOME", berth.home.toString());
        Process foreground = pb.start();
        berth.alsoKill.add(foreground.pid());
        try {
            try {
                BerthRun.await("the foreground daemon says it waits", Duration.ofSeconds(30),
                        () -> read(berth.home.resolve("foreground.log")).contains("takes over when it ends"));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n--- foreground.log\n" + read(berth.home.resolve("foreground.log")), e);
            }
            assertTrue(foreground.isAlive(), "it waits instead of failing (systemd would restart it every 2 s)");
            assertEquals(first, berth.daemonPid(), "the first daemon still serves");

            new ProcessBuilder("kill", "-9", String.valueOf(first)).start().waitFor();
            BerthRun.await("the waiting daemon serves", Duration.ofSeconds(30), () -> {
                try {
                    return berth.daemonPid() == foreground.pid() && berth.run("daemon", "status").exit() == 0;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(worker, berth.pid("worker", 0).longValue(), "and adopted the app");
        } finally {
            foreground.destroyForcibly();
        }
    }

    /** Live `daemon run` processes whose BERTH_HOME is home. */
    static List<Long> daemonsOf(String home) throws java.io.IOException {
        List<Long> out = new ArrayList<>();
        try (var procs = Files.list(java.nio.file.Path.of("/proc"))) {
            for (java.nio.file.Path d : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = Files.readString(d.resolve("cmdline"));
                    String env = Files.readString(d.resolve("environ"));
                    long pid = Long.parseLong(d.getFileName().toString());
                    if (cmd.contains("dev.berth.cli.Main\0daemon\0run") && env.contains("BERTH_HOME=" + home + "\0") && BerthRun.alive(pid)) out.add(pid);
                } catch (java.io.IOException | RuntimeException gone) {
                    // exited
                }
            }
        }
        return out;
    }

    private static String read(java.nio.file.Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
