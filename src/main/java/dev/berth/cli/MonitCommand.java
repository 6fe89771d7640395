package dev.berth.cli;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true, name = "monit", description = "A live view of every app's instances, refreshed until Ctrl-C.")
final class MonitCommand implements Callable<Integer> {
    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "1", description = "Refresh every N seconds (default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Stop after N refreshes (0: never).")
    int count;

    @SuppressWarnings("unchecked")
    @Override public Integer call() throws Exception {
        if (interval <= 0) throw new CliException(ExitCodes.USAGE, "--interval must be above 0");
        DaemonClient client = Env.client();
        for (int n = 1; count == 0 || n <= count; n++) {
            List<Object> apps = (List<Object>) client.get("/api/v1/apps").get("apps");
            StringBuilder screen = new StringBuilder("\033[H\033[2J");
            screen.append("berth monit   ").append(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")))
                    .append("   (Ctrl-C to quit)\n\n").append(StatusCommand.render(apps)).append('\n');
            Output.stdout().print(screen);
            Output.stdout().flush();
            if (count == 0 || n < count) Thread.sleep((long) (interval * 1000));
        }
        return ExitCodes.OK;
    }
}
