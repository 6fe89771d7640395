package dev.berth.cli;

import dev.berth.config.ConfigException;
import dev.berth.daemon.Daemon;
import dev.berth.files.Names;
import java.util.List;

/** Entry point of the `berth` command. */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        int code = run(args);
        if (args.length > 0 && args[0].equals("daemon")) System.exit(code); // the daemon has a shutdown hook to honour
        // Everything is written and flushed; halt skips System.exit's shutdown path, which since
        // JDK 21 starts the platform logging just to decide whether to log the exit (about 10 ms
        // of every CLI call). The CLI registers no shutdown hooks.
        Output.flush();
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    public static int run(String... args) {
        return run(cli(), args);
    }

    static int run(Cli cli, String... args) {
        try {
            return cli.run(args);
        } catch (CliException e) {
            Output.err("berth: " + e.getMessage());
            for (String d : e.details) Output.err("  " + d);
            return e.exitCode;
        } catch (Names.Unknown e) { // a name checked here, before the daemon is asked
            Output.err("berth: " + e.getMessage());
            return ExitCodes.NOT_FOUND;
        } catch (ConfigException e) {
            Output.err("berth: " + e.problems().size() + " problem(s) in the berth.yml:");
            for (var p : e.problems()) Output.err("  " + p);
            return ExitCodes.CONFIG;
        } catch (Exception e) {
            if ("1".equals(System.getenv("BERTH_DEBUG"))) e.printStackTrace();
            Output.err("berth: " + e);
            return ExitCodes.FAILED;
        } catch (Error e) {
            // StackOverflowError, OutOfMemoryError: a message like any other failure, never a stack trace
            // (which could also hold pieces of the input); BERTH_DEBUG=1 still shows where
            if ("1".equals(System.getenv("BERTH_DEBUG"))) e.printStackTrace();
            Output.err("berth: internal error: " + e.getClass().getName() + " (BERTH_DEBUG=1 shows where)");
            return ExitCodes.FAILED;
        }
    }

    static Cli cli() {
        return new Cli("berth",
                List.of("Keeps the apps of a berth.yml running: restarts them by policy, reloads them one instance",
                        "at a time, keeps their logs, ships new releases with a health gate and rollback, serves",
                        "them through nginx (zero-downtime switching, Let's Encrypt certificates), backs up",
                        "databases and files, runs health checks and sends alerts. The first command that needs",
                        "the daemon starts it (state in BERTH_HOME, default ~/.berth)."),
                List.of(new StartCommand(), new AppVerbCommand.Stop(), new AppVerbCommand.Restart(), new AppVerbCommand.Reload(),
                        new AppVerbCommand.Delete(), new StatusCommand(), new DescribeCommand(), new EventsCommand(), new LogsCommand(), new FlushCommand(),
                        new SaveCommand(), new ResurrectCommand(), new StartupCommand(), new LiveInstancesCommand(), new ValidateCommand(),
                        new LintCommand(), new ImportPm2Command(), new ImportComposeCommand(), new DeployCommand(), new DeployCommand.Rollback(),
                        new DeploymentsCommand.Releases(), new DeploymentsCommand(), new BackupCommand(), new CheckCommand(), new LiveOverviewCommand(),
                        new AlertsCommand(), new AlertsCommand.Alert(), new AlertsCommand.Silence(), new ProxyCommand(), new CertCommand(), new DoctorCommand(), new DashboardCommand(), new UserCommand(), new DaemonCommand()),
                List.of("", ExitCodes.HELP, "", "Environment: BERTH_HOME (state, token, logs), BERTH_DEBUG=1 (stack traces)."));
    }

    static String version() {
        return "berth " + Daemon.VERSION + " (Java " + Runtime.version() + ")";
    }
}
