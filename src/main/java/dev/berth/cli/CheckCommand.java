package dev.berth.cli;

import dev.berth.api.Views;
import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.config.CheckSpec;
import dev.berth.files.Names;
import dev.berth.monitor.LocalChecks;
import dev.berth.monitor.probe.HttpProbe;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `berth check`: every check of a berth.yml now, a table, and the health as the exit code. */
final class CheckCommand implements CliCommand {
    private final Spec spec = new Spec("check", "Run every check now: HTTP, TCP, TLS, host, disks, apps, backups, commands.")
            .details("Prints a table and exits 0 when HEALTHY, 1 on WARNING, 2 when UNHEALTHY (as health-check",
                    "scripts do; a usage error also exits 2, saying so on stderr). With a running daemon the checks",
                    "run in it (it knows the apps and backups) and it watches this berth.yml from then on; without",
                    "one they run here, and app checks say that nothing is supervised.",
                    "  berth check                      every check of ./berth.yml, with the built-in ones",
                    "  berth check api host:disk        only these",
                    "  berth check --alert              and send what is not OK to the alert channels",
                    "  berth check --heartbeat-url job  print the URL a job calls for the heartbeat check `job`")
            .positional("CHECK", 0, Integer.MAX_VALUE, "Only these checks (names as in `berth check`).")
            .option("-c, --config", "FILE", "The berth.yml (default ./berth.yml).")
            .flag("--alert", "Send the checks that are not OK to the alert channels (one message per channel).")
            .option("--heartbeat-url", "NAME", "Print the URL of a heartbeat check (needs the daemon) and exit.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) throws Exception {
        Path config = CommandEnvironment.config(args.path("--config"));
        if (config == null) throw new CliException(ExitCodes.USAGE, "no berth.yml here; pass -c FILE");
        Map<String, String> vars = CommandEnvironment.referencedVariables(config);
        DaemonClient client = CommandEnvironment.client();
        if (args.value("--heartbeat-url") != null) {
            String name = args.value("--heartbeat-url");
            BerthFile file = new BerthFileLoader(vars, CommandEnvironment.home().logs()).load(config, null);
            Names.requireListed("heartbeat check", "in " + config, name,
                    file.checks().stream().filter(c -> c.kind().equals("heartbeat")).map(CheckSpec::name).toList());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("config", config.toString());
            body.put("variables", vars);
            body.put("names", List.of(name));
            client.post("/api/v1/checks/run", body); // the daemon watches the file from now on
            Map<String, Object> r = client.get("/api/v1/heartbeats/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            if (args.flag("--json")) Output.json(r);
            else Output.out(String.valueOf(r.get("url")));
            return ExitCodes.OK;
        }
        Map<String, Object> result;
        if (client.running()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("config", config.toString());
            body.put("variables", vars);
            body.put("names", args.positionals());
            body.put("alert", args.flag("--alert"));
            result = client.post("/api/v1/checks/run", body);
        } else {
            BerthFile file = new BerthFileLoader(vars, CommandEnvironment.home().logs()).load(config, null);
            for (String n : args.positionals()) {
                Names.requireListed("check", "in " + config, n, file.checks().stream().map(CheckSpec::name).toList());
            }
            try {
                result = Views.checkReport(LocalChecks.run(file, args.positionals(), CommandEnvironment.home().stateDb(), args.flag("--alert")));
            } finally {
                // the HTTP client's selector thread sits in epoll_wait, and the JVM's exit waits up to
                // 300 ms for threads in native code: stop it now
                HttpProbe.closeClients();
            }
        }
        CheckResults checks = CheckResults.of(Reply.of(result));
        if (args.flag("--json")) {
            Output.json(result);
        } else {
            List<List<String>> rows = new ArrayList<>();
            int warning = 0;
            int critical = 0;
            for (CheckResults.Check c : checks.checks()) {
                if ("WARNING".equals(c.state())) warning++;
                if ("CRITICAL".equals(c.state())) critical++;
                rows.add(List.of(String.valueOf(c.state()), String.valueOf(c.name()), String.valueOf(c.kind()), String.valueOf(c.message())));
            }
            Output.out(Output.table(List.of("STATE", "CHECK", "KIND", "RESULT"), rows));
            Output.out(checks.health() + ": " + rows.size() + " check(s), " + warning + " warning, " + critical + " critical"
                    + (checks.alerted() == null ? "" : "; " + checks.alerted()));
        }
        return switch (String.valueOf(checks.health())) {
            case "HEALTHY" -> 0;
            case "WARNING" -> 1;
            default -> 2;
        };
    }
}
