package dev.berth.cli;

import dev.berth.daemon.BerthHome;
import dev.berth.daemon.Daemon;
import dev.berth.daemon.DaemonLog;
import java.util.Map;

final class DaemonCommand implements CliCommand {
    private final Spec spec = new Spec("daemon", "Start, stop or inspect the daemon. Stopping it never stops an app.")
            .subcommand(new Start()).subcommand(new Stop()).subcommand(new Status()).subcommand(new Run());

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        throw new IllegalStateException("daemon needs a subcommand"); // Cli dispatches to the subcommands
    }

    static final class Start implements CliCommand {
        private final Spec spec = new Spec("start", "Start the daemon in the background (nothing to do when it runs).");

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            DaemonClient c = CommandEnvironment.client();
            Map<String, Object> info = c.pingOrAwait();
            if (info != null) {
                Output.err("daemon already running: pid " + info.get("pid") + ", port " + info.get("port"));
                return ExitCodes.OK;
            }
            long pid = c.startDaemon();
            Output.err("daemon started: pid " + pid + " (BERTH_HOME=" + CommandEnvironment.home().dir() + ")");
            return ExitCodes.OK;
        }
    }

    static final class Stop implements CliCommand {
        private final Spec spec = new Spec("stop", "Stop the daemon. Apps keep running; the next daemon adopts them.");

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) throws InterruptedException {
            DaemonClient c = CommandEnvironment.client();
            Map<String, Object> info = c.pingOrAwait();
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

    static final class Status implements CliCommand {
        private final Spec spec = new Spec("status", "Is the daemon running? Exits 0 when it is, 1 when not.").json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Map<String, Object> info = CommandEnvironment.client().pingOrAwait();
            if (args.flag("--json")) Output.json(info == null ? Map.of("running", false) : Map.of("running", true, "daemon", info));
            else if (info == null) Output.out("daemon: not running (BERTH_HOME=" + CommandEnvironment.home().dir() + ")");
            else Output.out("daemon: running, pid " + info.get("pid") + ", " + info.get("host") + ":" + info.get("port")
                        + ", version " + info.get("version") + ", since " + info.get("started_at") + ", BERTH_HOME=" + info.get("home"));
            return info == null ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    static final class Run implements CliCommand {
        private final Spec spec = new Spec("run", "Run the daemon in the foreground (what `daemon start` and the systemd unit run).")
                .option("--host", "ADDRESS", "Address to listen on.", "127.0.0.1")
                .option("--port", "PORT", "Port; default BERTH_PORT, else a free one (written to BERTH_HOME/daemon.json).")
                .flag("--unless-running", "When another daemon holds BERTH_HOME, exit " + Daemon.LOCK_HELD
                        + " at once instead of waiting to take over when it ends.");

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) throws Exception {
            String port = args.value("--port");
            if (port == null) port = System.getenv().getOrDefault("BERTH_PORT", "0");
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE, "daemon run: --port expects a number, got \"" + port + "\"");
            }
            DaemonLog.install();
            try {
                new Daemon(BerthHome.fromEnvironment(System.getenv()), args.value("--host"), p, !args.flag("--unless-running")).run();
            } catch (Daemon.LockHeld e) {
                Output.err("berth daemon: " + e.getMessage());
                return Daemon.LOCK_HELD;
            }
            return ExitCodes.OK;
        }
    }
}
