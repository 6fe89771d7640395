package dev.berth.cli;

import dev.berth.text.Units;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    @SuppressWarnings("unchecked")
    @Override public int run(Parsed args) {
        List<String> only = args.positionals();
        List<Object> apps = (List<Object>) Env.client().get("/api/v1/apps").get("apps");
        if (!only.isEmpty()) {
            apps = apps.stream().filter(a -> only.contains(((Map<String, Object>) a).get("name"))).toList();
            for (String n : only) {
                if (apps.stream().noneMatch(a -> n.equals(((Map<String, Object>) a).get("name")))) {
                    throw new CliException(ExitCodes.NOT_FOUND, "no app named \"" + n + "\" is registered");
                }
            }
        }
        if (args.flag("--json")) Output.json(apps);
        else Output.out(render(apps));
        return healthy(apps) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @SuppressWarnings("unchecked")
    static boolean healthy(List<Object> apps) {
        for (Object o : apps) {
            Map<String, Object> a = (Map<String, Object>) o;
            if (!"running".equals(a.get("desired"))) continue;
            for (Object io : (List<Object>) a.get("instances")) {
                if (!"running".equals(((Map<String, Object>) io).get("state"))) return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    static String render(List<Object> apps) {
        if (apps.isEmpty()) return "no apps; start some with `berth start` in a directory with a berth.yml";
        List<List<String>> rows = new ArrayList<>();
        for (Object o : apps) {
            Map<String, Object> a = (Map<String, Object>) o;
            List<Object> insts = (List<Object>) a.get("instances");
            if (insts.isEmpty()) rows.add(List.of(str(a.get("name")), "-", "-", str(a.get("desired")), "-", "-", "-", "-", "-"));
            for (Object io : insts) {
                Map<String, Object> i = (Map<String, Object>) io;
                boolean up = i.get("pid") != null;
                rows.add(List.of(
                        str(a.get("name")),
                        str(i.get("index")),
                        up ? str(i.get("pid")) : "-",
                        str(i.get("state")) + (Boolean.TRUE.equals(i.get("adopted")) ? "*" : ""),
                        up ? Units.duration(Duration.ofMillis(((Number) i.get("uptime_ms")).longValue())) : "-",
                        str(i.get("restarts")),
                        up ? cpu(i) : "-",
                        up ? memory(i) : "-",
                        i.get("port") == null ? "-" : str(i.get("port"))));
            }
        }
        String table = Output.table(List.of("APP", "ID", "PID", "STATE", "UPTIME", "RESTARTS", "CPU", "MEM", "PORT"), rows);
        return rows.stream().anyMatch(r -> r.get(3).endsWith("*")) ? table + "\n" + ADOPTED : table;
    }

    static final String ADOPTED = "* adopted: started by an earlier daemon, supervised by this one since it started";

    /** "-" until the process has been measured (the first second after a start or an adoption), not 0. */
    static String cpu(Map<String, Object> instance) {
        Object v = instance.get("cpu_percent");
        return v == null ? "-" : v + "%";
    }

    static String memory(Map<String, Object> instance) {
        Object v = instance.get("memory_bytes");
        return v == null ? "-" : Units.bytes(((Number) v).longValue());
    }

    private static String str(Object o) {
        return o == null ? "-" : String.valueOf(o);
    }
}
