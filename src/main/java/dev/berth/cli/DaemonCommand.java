package dev.berth.cli;

import dev.berth.daemon.BerthHome;
import dev.berth.daemon.Daemon;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true, name = "daemon", description = "Start, stop or inspect the daemon. Stopping it never stops an app.",
        subcommands = {DaemonCommand.Start.class, DaemonCommand.Stop.class, DaemonCommand.Status.class, DaemonCommand.Run.class})
final class DaemonCommand {

    @Command(mixinStandardHelpOptions = true, name = "start", description = "Start the daemon in the background (no-op when it runs).")
    static final class Start implements Callable<Integer> {
        @Override public Integer call() {
            DaemonClient c = Env.client();
            Map<String, Object> info = c.ping();
            if (info != null) {
                Output.err("daemon already running: pid " + info.get("pid") + ", port " + info.get("port"));
                return ExitCodes.OK;
            }
            long pid = c.startDaemon();
            Output.err("daemon started: pid " + pid + " (BERTH_HOME=" + Env.home().dir() + ")");
            return ExitCodes.OK;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "stop", description = "Stop the daemon. Apps keep running; the next daemon adopts them.")
    static final class Stop implements Callable<Integer> {
        @Override public Integer call() throws InterruptedException {
            DaemonClient c = Env.client();
            Map<String, Object> info = c.ping();
            if (info == null) {
                Output.err("daemon is not running");
                return ExitCodes.OK;
            }
            long pid = ((Number) info.get("pid")).longValue();
            c.post("/api/v1/shutdown", Map.of());
            var handle = ProcessHandle.of(pid);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (handle.isPresent() && handle.get().isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            if (handle.isPresent() && handle.get().isAlive()) throw new CliException(ExitCodes.DAEMON, "daemon pid " + pid + " did not stop within 10s");
            Output.err("daemon stopped (pid " + pid + "); apps keep running");
            return ExitCodes.OK;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "status", description = "Is the daemon running? Exits 0 when it is, 1 when not.")
    static final class Status implements Callable<Integer> {
        @Mixin JsonOption json;

        @Override public Integer call() {
            Map<String, Object> info = Env.client().ping();
            if (json.json) Output.json(info == null ? Map.of("running", false) : Map.of("running", true, "daemon", info));
            else if (info == null) Output.out("daemon: not running (BERTH_HOME=" + Env.home().dir() + ")");
            else Output.out("daemon: running, pid " + info.get("pid") + ", " + info.get("host") + ":" + info.get("port")
                        + ", version " + info.get("version") + ", since " + info.get("started_at") + ", BERTH_HOME=" + info.get("home"));
            return info == null ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "run", description = "Run the daemon in the foreground (what `daemon start` and the systemd unit run).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "${env:BERTH_PORT:-0}", description = "Port (default: BERTH_PORT, else a free one, written to BERTH_HOME/daemon.json).")
        int port;

        @Override public Integer call() throws Exception {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
            new Daemon(BerthHome.fromEnvironment(System.getenv()), host, port).run();
            return ExitCodes.OK;
        }
    }
}
