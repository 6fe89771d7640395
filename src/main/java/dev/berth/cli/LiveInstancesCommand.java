package dev.berth.cli;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

final class LiveInstancesCommand implements CliCommand {
    private final Spec spec = new Spec("monit", "A live view of every app's instances, refreshed until Ctrl-C.")
            .option("-i, --interval", "SECONDS", "Refresh every N seconds.", "1")
            .option("--count", "N", "Stop after N refreshes (0: never).", "0");

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) throws Exception {
        double interval = args.decimal("--interval");
        int count = args.integer("--count");
        if (interval <= 0) throw new CliException(ExitCodes.USAGE, "--interval must be above 0");
        DaemonClient client = CommandEnvironment.client();
        for (int n = 1; count == 0 || n <= count; n++) {
            List<?> apps = client.get("/api/v1/apps").get("apps") instanceof List<?> l ? l : List.of();
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
