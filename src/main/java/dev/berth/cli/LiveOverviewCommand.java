package dev.berth.cli;

import dev.berth.config.Durations;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** `berth monitor`: apps, checks and host resources on one live screen. */
final class LiveOverviewCommand implements CliCommand {
    private final Spec spec = new Spec("monitor", "A live view of apps, checks and host resources, refreshed until Ctrl-C.")
            .details("The daemon runs the checks on their own intervals; this view shows their latest results,",
                    "with uptime over 24 hours, 7 and 30 days.")
            .option("-i, --interval", "DURATION", "Refresh every DURATION.", "5s")
            .option("--count", "N", "Stop after N refreshes (0: never).", "0")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) throws Exception {
        Duration interval;
        try {
            interval = Durations.parse(args.value("--interval"));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--interval: " + e.getMessage());
        }
        if (interval.isZero()) throw new CliException(ExitCodes.USAGE, "--interval must be above 0");
        int count = args.integer("--count");
        DaemonClient client = CommandEnvironment.client();
        for (int n = 1; count == 0 || n <= count; n++) {
            List<?> apps = client.get("/api/v1/apps").get("apps") instanceof List<?> l ? l : List.of();
            Map<String, Object> checks = client.get("/api/v1/checks");
            if (args.flag("--json")) {
                Output.json(Map.of("apps", apps, "checks", checks));
            } else {
                StringBuilder screen = new StringBuilder(count == 1 ? "" : "\033[H\033[2J");
                screen.append("berth monitor   ").append(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")))
                        .append("   health ").append(checks.get("health")).append(count == 1 ? "" : "   (Ctrl-C to quit)").append("\n\n");
                screen.append(apps.isEmpty() ? "no apps\n" : StatusCommand.render(apps)).append('\n');
                screen.append(render(Reply.of(checks).list("checks"))).append('\n');
                Output.stdout().print(screen);
                Output.stdout().flush();
            }
            if (count == 0 || n < count) Thread.sleep(interval.toMillis());
        }
        return ExitCodes.OK;
    }

    static String render(List<Reply> checks) {
        if (checks.isEmpty()) return "no checks yet (the daemon watches the berth.yml files apps were started from, and those `berth check` ran)";
        List<List<String>> rows = new ArrayList<>();
        for (Reply c : checks) {
            Reply up = c.object("uptime_percent");
            rows.add(List.of(String.valueOf(c.string("state")), String.valueOf(c.string("name")), percent(up.decimal("24h")), percent(up.decimal("7d")),
                    percent(up.decimal("30d")), String.valueOf(c.string("message"))));
        }
        return Output.table(List.of("STATE", "CHECK", "24H", "7D", "30D", "RESULT"), rows);
    }

    private static String percent(Number v) {
        if (v == null) return "-";
        double d = v.doubleValue();
        return d == 100 ? "100%" : String.format(Locale.ROOT, "%.2f%%", d);
    }
}
