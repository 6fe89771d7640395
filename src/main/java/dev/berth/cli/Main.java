package dev.berth.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the `berth` command. */
@Command(name = "berth", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
                "Keeps the apps of a berth.yml running: restarts them by policy,",
                "reloads them without downtime, and keeps their logs.",
                "The first command that needs the daemon starts it",
                "(state in BERTH_HOME, default ~/.berth)."},
        footer = {"", ExitCodes.HELP, "", "Environment: BERTH_HOME (state, token, logs), BERTH_DEBUG=1 (stack traces)."})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Every subcommand, in the order `berth --help` lists them. */
    private static final List<Class<?>> COMMANDS = List.of(
            StartCommand.class, StopCommand.class, RestartCommand.class, ReloadCommand.class, DeleteCommand.class,
            StatusCommand.class, DescribeCommand.class, LogsCommand.class, FlushCommand.class,
            SaveCommand.class, ResurrectCommand.class, StartupCommand.class, MonitCommand.class,
            ValidateCommand.class, LintCommand.class, ImportPm2Command.class, DaemonCommand.class,
            CommandLine.HelpCommand.class);

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // Building a command's model costs reflection; a CLI call needs only its own command.
        Class<?> only = args.length == 0 ? null : commandNamed(args[0]);
        for (Class<?> c : only != null ? List.<Class<?>>of(only) : COMMANDS) cl.addSubcommand(c);
        cl.setUsageHelpWidth(100);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof CliException ce) {
                Output.err("berth: " + ce.getMessage());
                for (String d : ce.details) Output.err("  " + d);
                return ce.exitCode;
            }
            if ("1".equals(System.getenv("BERTH_DEBUG"))) ex.printStackTrace();
            Output.err("berth: " + ex);
            return ExitCodes.FAILED;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            Output.err("berth: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, System.err);
            Output.err("Run `" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help` for usage.");
            return ExitCodes.USAGE;
        });
        return cl.execute(args);
    }

    private static Class<?> commandNamed(String name) {
        for (Class<?> c : COMMANDS) {
            Command cmd = c.getAnnotation(Command.class);
            if (cmd.name().equals(name) || java.util.Arrays.asList(cmd.aliases()).contains(name)) {
                return c == CommandLine.HelpCommand.class ? null : c;
            }
        }
        return null;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"berth " + dev.berth.daemon.Daemon.VERSION + " (Java " + Runtime.version() + ")"};
        }
    }
}
