package dev.berth.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** `berth deployments [app]`, `berth deployments show ID` and `berth releases [app]`: the deploy history. */
final class DeploymentsCommand implements CliCommand {
    private final Spec spec = new Spec("deployments", "Deploy history: who, when, what, how long, how it ended.")
            .details("  berth deployments            every app, newest first",
                    "  berth deployments web        one app",
                    "  berth deployments show 12    one deployment with each step, its duration and its log")
            .positional("APP", 0, 1, "The app, or `show`.")
            .positional("ID", 0, 1, "With show: the deployment id.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @SuppressWarnings("unchecked")
    @Override public int run(Parsed args) {
        List<String> pos = args.positionals();
        if (!pos.isEmpty() && pos.get(0).equals("show")) {
            if (pos.size() < 2) throw new CliException(ExitCodes.USAGE, "deployments show: which deployment? (an id from `berth deployments`)");
            return show(pos.get(1), args.flag("--json"));
        }
        if (pos.size() > 1) throw new CliException(ExitCodes.USAGE, "deployments takes one app; did you mean `berth deployments show " + pos.get(1) + "`?");
        String path = pos.isEmpty() ? "/api/v1/deployments" : "/api/v1/apps/" + URLEncoder.encode(pos.get(0), StandardCharsets.UTF_8) + "/deployments";
        List<Object> list = (List<Object>) CommandEnvironment.client().get(path).get("deployments");
        if (args.flag("--json")) {
            Output.json(list);
            return ExitCodes.OK;
        }
        if (list.isEmpty()) {
            Output.out("no deployments yet");
            return ExitCodes.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> d = (Map<String, Object>) o;
            rows.add(List.of(str(d.get("id")), str(d.get("app")), str(d.get("kind")), str(d.get("state")), str(d.get("release")),
                    d.get("commit") == null ? str(d.get("ref")) : DeployCommand.shortCommit(d.get("commit")),
                    str(d.get("who")), Instant.ofEpochMilli(((Number) d.get("started_at_ms")).longValue()).toString(),
                    DeployCommand.duration(d.get("duration_ms")), d.get("failed_step") == null ? "-" : str(d.get("failed_step"))));
        }
        Output.out(Output.table(List.of("ID", "APP", "KIND", "STATE", "RELEASE", "COMMIT", "WHO", "STARTED (UTC)", "TOOK", "FAILED STEP"), rows));
        return ExitCodes.OK;
    }

    @SuppressWarnings("unchecked")
    private static int show(String id, boolean json) {
        Map<String, Object> d = CommandEnvironment.client().get("/api/v1/deployments/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        if (json) {
            Output.json(d);
            return ExitCodes.OK;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("deployment #").append(d.get("id")).append(" of ").append(d.get("app")).append(": ").append(d.get("kind"))
                .append(", ").append(d.get("state")).append('\n');
        sb.append("  by ").append(d.get("who")).append(", started ").append(Instant.ofEpochMilli(((Number) d.get("started_at_ms")).longValue()))
                .append(", took ").append(DeployCommand.duration(d.get("duration_ms"))).append('\n');
        if (d.get("release") != null) sb.append("  release ").append(d.get("release")).append(d.get("previous_release") != null
                ? " (previous: " + d.get("previous_release") + ")" : "").append('\n');
        if (d.get("commit") != null) sb.append("  commit ").append(d.get("commit")).append(d.get("ref") != null ? " (" + d.get("ref") + ")" : "").append('\n');
        if (d.get("message") != null) sb.append("  ").append(d.get("message")).append('\n');
        for (Object o : (List<Object>) d.get("steps")) {
            Map<String, Object> s = (Map<String, Object>) o;
            sb.append("\n").append(s.get("seq")).append(". ").append(s.get("name")).append(" — ").append(s.get("state"))
                    .append(", ").append(DeployCommand.duration(s.get("duration_ms")));
            if (s.get("command") != null) sb.append("\n   $ ").append(s.get("command"));
            if (s.get("message") != null) sb.append("\n   ").append(s.get("message"));
            if (s.get("log") != null) {
                Path log = Path.of(String.valueOf(s.get("log")));
                sb.append("\n   log: ").append(log);
                try {
                    List<String> lines = Files.readAllLines(log);
                    for (String l : lines.subList(Math.max(0, lines.size() - 20), lines.size())) sb.append("\n   | ").append(l);
                } catch (IOException e) {
                    // the log may be unreadable to this user or gone; its path is shown
                }
            }
        }
        Output.out(sb.toString());
        return ExitCodes.OK;
    }

    private static String str(Object o) {
        return o == null ? "-" : String.valueOf(o);
    }

    /** `berth releases [app]`. */
    static final class Releases implements CliCommand {
        private final Spec spec = new Spec("releases", "An app's releases: which is live, which are good, which are on disk.")
                .positional("APP", 0, 1, "The app (default: the only app of ./berth.yml with a deploy section).")
                .option("-c, --config", "FILE", "The berth.yml to use (default ./berth.yml).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @SuppressWarnings("unchecked")
        @Override public int run(Parsed args) {
            String app;
            if (args.positionals().isEmpty()) {
                List<String> apps = DeployCommand.appsToDeploy(CommandEnvironment.config(args.path("--config")), List.of(), null);
                if (apps.size() != 1) throw new CliException(ExitCodes.USAGE, "name the app: one of " + String.join(", ", apps));
                app = apps.get(0);
            } else {
                app = args.positionals().get(0);
            }
            Map<String, Object> r = CommandEnvironment.client().get("/api/v1/apps/" + URLEncoder.encode(app, StandardCharsets.UTF_8) + "/releases");
            if (args.flag("--json")) {
                Output.json(r);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (Object o : (List<Object>) r.get("releases")) {
                Map<String, Object> rel = (Map<String, Object>) o;
                rows.add(List.of(Boolean.TRUE.equals(rel.get("live")) ? "*" : "", str(rel.get("id")), str(rel.get("state")),
                        rel.get("commit") == null ? "-" : DeployCommand.shortCommit(rel.get("commit")), str(rel.get("ref")),
                        Instant.ofEpochMilli(((Number) rel.get("created_at_ms")).longValue()).toString(),
                        Boolean.TRUE.equals(rel.get("on_disk")) ? "yes" : "no", str(rel.get("deployment"))));
            }
            if (rows.isEmpty()) Output.out("no releases of " + app + " yet; `berth deploy " + app + "` makes the first");
            else Output.out(Output.table(List.of("LIVE", "RELEASE", "STATE", "COMMIT", "REF", "CREATED (UTC)", "ON DISK", "DEPLOYMENT"), rows));
            return ExitCodes.OK;
        }
    }
}
