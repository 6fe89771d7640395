package dev.berth.cli;

import dev.berth.text.Units;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

final class DescribeCommand implements CliCommand {
    private final Spec spec = new Spec("describe", "Everything about one app, with why it last restarted.").alias("show")
            .details("Command, cwd, profile, log files; each instance with its last exit or restart reason",
                    "and the env keys that changed at its last start (never values); recent events.")
            .positional("APP", 1, 1, "The app.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    /** On first use: loading the time-zone rules costs about 10 ms, which no other command should pay. */
    private static final class Time {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    }

    @Override public int run(Parsed args) {
        String app = args.positional(0);
        Map<String, Object> answer = CommandEnvironment.client().get("/api/v1/apps/" + URLEncoder.encode(app, StandardCharsets.UTF_8));
        if (args.flag("--json")) {
            Output.json(answer);
            return ExitCodes.OK;
        }
        AppReply a = AppReply.of(Reply.of(answer));
        StringBuilder sb = new StringBuilder();
        line(sb, "app", a.name());
        line(sb, "desired", a.desired());
        line(sb, "command", a.command());
        line(sb, "cwd", a.cwd());
        line(sb, "env profile", a.envProfile() == null ? "(none)" : a.envProfile());
        line(sb, "log files", String.join("\n" + " ".repeat(15), a.logFiles()));
        for (AppReply.Instance i : a.instances()) {
            sb.append("\ninstance ").append(i.index()).append('\n');
            line(sb, "  state", i.state() + (i.adopted() ? " (adopted from a previous daemon)" : ""));
            line(sb, "  pid", i.pid());
            line(sb, "  port", i.port());
            long started = i.startedAtMillis();
            if (started > 0) line(sb, "  started", Time.FORMAT.format(Instant.ofEpochMilli(started)));
            if (i.pid() != null) {
                line(sb, "  uptime", Units.duration(Duration.ofMillis(i.uptimeMillis())));
                line(sb, "  cpu / memory", i.cpu() + " / " + i.memory());
            }
            line(sb, "  restarts", i.restarts());
            if (i.reason() != null) line(sb, "  last reason", i.reason());
            if (i.lastExitCode() != null) line(sb, "  last exit", i.lastExitCode());
            if (i.envChanges() != null) line(sb, "  env changed", i.envChanges() + "   (+ added, ~ changed, - removed; values not shown)");
        }
        if (!a.events().isEmpty()) {
            sb.append("\nrecent events\n");
            for (EventReply e : a.events()) {
                sb.append("  ").append(Time.FORMAT.format(Instant.ofEpochMilli(e.atMillis())))
                        .append(e.instance() == null ? "    " : " [" + e.instance() + "]")
                        .append(' ').append(e.kind()).append(": ").append(e.message()).append('\n');
            }
        }
        Output.out(sb.toString().stripTrailing());
        return ExitCodes.OK;
    }

    private static void line(StringBuilder sb, String key, Object value) {
        sb.append(key).append(" ".repeat(Math.max(1, 15 - key.length()))).append(value == null ? "-" : value).append('\n');
    }
}
