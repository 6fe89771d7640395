package dev.berth.cli;

import dev.berth.text.Units;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
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

    @SuppressWarnings("unchecked")
    @Override public int run(Parsed args) {
        String app = args.positional(0);
        Map<String, Object> a = Env.client().get("/api/v1/apps/" + URLEncoder.encode(app, StandardCharsets.UTF_8));
        if (args.flag("--json")) {
            Output.json(a);
            return ExitCodes.OK;
        }
        StringBuilder sb = new StringBuilder();
        line(sb, "app", a.get("name"));
        line(sb, "desired", a.get("desired"));
        line(sb, "command", a.get("command"));
        line(sb, "cwd", a.get("cwd"));
        line(sb, "env profile", a.get("env_profile") == null ? "(none)" : a.get("env_profile"));
        line(sb, "log files", String.join("\n" + " ".repeat(15), (List<String>) a.get("log_files")));
        for (Object io : (List<Object>) a.get("instances")) {
            Map<String, Object> i = (Map<String, Object>) io;
            sb.append("\ninstance ").append(i.get("index")).append('\n');
            line(sb, "  state", i.get("state") + (Boolean.TRUE.equals(i.get("adopted")) ? " (adopted from a previous daemon)" : ""));
            line(sb, "  pid", i.get("pid"));
            line(sb, "  port", i.get("port"));
            long started = ((Number) i.get("started_at_ms")).longValue();
            if (started > 0) line(sb, "  started", Time.FORMAT.format(Instant.ofEpochMilli(started)));
            if (i.get("pid") != null) {
                line(sb, "  uptime", Units.duration(Duration.ofMillis(((Number) i.get("uptime_ms")).longValue())));
                line(sb, "  cpu / memory", StatusCommand.cpu(i) + " / " + StatusCommand.memory(i));
            }
            line(sb, "  restarts", i.get("restarts"));
            if (i.get("reason") != null) line(sb, "  last reason", i.get("reason"));
            if (i.get("last_exit_code") != null) line(sb, "  last exit", i.get("last_exit_code"));
            if (i.get("env_changes") != null) line(sb, "  env changed", i.get("env_changes") + "   (+ added, ~ changed, - removed; values not shown)");
        }
        List<Object> events = (List<Object>) a.get("events");
        if (events != null && !events.isEmpty()) {
            sb.append("\nrecent events\n");
            for (Object eo : events) {
                Map<String, Object> e = (Map<String, Object>) eo;
                sb.append("  ").append(Time.FORMAT.format(Instant.ofEpochMilli(((Number) e.get("at_ms")).longValue())))
                        .append(e.get("instance") == null ? "    " : " [" + e.get("instance") + "]")
                        .append(' ').append(e.get("kind")).append(": ").append(e.get("message")).append('\n');
            }
        }
        Output.out(sb.toString().stripTrailing());
        return ExitCodes.OK;
    }

    private static void line(StringBuilder sb, String key, Object value) {
        sb.append(key).append(" ".repeat(Math.max(1, 15 - key.length()))).append(value == null ? "-" : value).append('\n');
    }
}
