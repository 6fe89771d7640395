package dev.berth.cli;

import dev.berth.text.Units;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

final class StatusCommand implements CliCommand {
    private final Spec spec = new Spec("status", "Show every app's instances.").alias("ls", "list")
            .details("Columns: pid, state (* = adopted from a previous daemon), uptime, restarts, cpu,",
                    "memory of the whole process tree (- until the first sample, a second after a start), port.",
                    "Exits 1 when an app that should run has an instance that is not running.")
            .positional("APP", 0, -1, "Only these apps.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        List<String> only = args.positionals();
        List<?> answer = CommandEnvironment.client().get("/api/v1/apps").get("apps") instanceof List<?> l ? l : List.of();
        List<Object> apps = new ArrayList<>();
        for (Object a : answer) if (only.isEmpty() || only.contains(Reply.of(a).string("name"))) apps.add(a);
        for (String n : only) {
            if (apps.stream().noneMatch(a -> n.equals(Reply.of(a).string("name")))) {
                throw new CliException(ExitCodes.NOT_FOUND, "no app named \"" + n + "\" is registered");
            }
        }
        if (args.flag("--json")) Output.json(apps);
        else Output.out(render(apps));
        return healthy(AppReply.listOf(apps)) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    static boolean healthy(List<AppReply> apps) {
        for (AppReply a : apps) {
            if (!"running".equals(a.desired())) continue;
            for (AppReply.Instance i : a.instances()) {
                if (!"running".equals(i.state())) return false;
            }
        }
        return true;
    }

    /** The table of GET /api/v1/apps's apps. */
    static String render(List<?> answer) {
        List<AppReply> apps = AppReply.listOf(answer);
        if (apps.isEmpty()) return "no apps; start some with `berth start` in a directory with a berth.yml";
        List<List<String>> rows = new ArrayList<>();
        for (AppReply a : apps) {
            if (a.instances().isEmpty()) rows.add(List.of(str(a.name()), "-", "-", str(a.desired()), "-", "-", "-", "-", "-"));
            for (AppReply.Instance i : a.instances()) {
                boolean up = i.pid() != null;
                rows.add(List.of(
                        str(a.name()),
                        str(i.index()),
                        up ? str(i.pid()) : "-",
                        str(i.state()) + (i.adopted() ? "*" : ""),
                        up ? Units.duration(Duration.ofMillis(i.uptimeMillis())) : "-",
                        str(i.restarts()),
                        up ? i.cpu() : "-",
                        up ? i.memory() : "-",
                        i.port() == null ? "-" : str(i.port())));
            }
        }
        String table = Output.table(List.of("APP", "ID", "PID", "STATE", "UPTIME", "RESTARTS", "CPU", "MEM", "PORT"), rows);
        return rows.stream().anyMatch(r -> r.get(3).endsWith("*")) ? table + "\n" + ADOPTED : table;
    }

    static final String ADOPTED = "* adopted: started by an earlier daemon, supervised by this one since it started";

    private static String str(Object o) {
        return o == null ? "-" : String.valueOf(o);
    }
}
