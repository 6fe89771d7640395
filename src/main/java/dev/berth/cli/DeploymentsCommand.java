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

    @Override public int run(Parsed args) {
        List<String> pos = args.positionals();
        if (!pos.isEmpty() && pos.get(0).equals("show")) {
            if (pos.size() < 2) throw new CliException(ExitCodes.USAGE, "deployments show: which deployment? (an id from `berth deployments`)");
            return show(pos.get(1), args.flag("--json"));
        }
        if (pos.size() > 1) throw new CliException(ExitCodes.USAGE, "deployments takes one app; did you mean `berth deployments show " + pos.get(1) + "`?");
        String path = pos.isEmpty() ? "/api/v1/deployments" : "/api/v1/apps/" + URLEncoder.encode(pos.get(0), StandardCharsets.UTF_8) + "/deployments";
        Map<String, Object> answer = CommandEnvironment.client().get(path);
        List<Reply> list = Reply.of(answer).list("deployments");
        if (args.flag("--json")) {
            Output.json(answer.get("deployments"));
            return ExitCodes.OK;
        }
        if (list.isEmpty()) {
            Output.out("no deployments yet");
            return ExitCodes.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Reply d : list) {
            rows.add(List.of(str(d.string("id")), str(d.string("app")), str(d.string("kind")), str(d.string("state")), str(d.string("release")),
                    d.string("commit") == null ? str(d.string("ref")) : DeployCommand.shortCommit(d.string("commit")),
                    str(d.string("who")), Instant.ofEpochMilli(d.number("started_at_ms")).toString(),
                    DeployCommand.duration(d.number("duration_ms")), d.string("failed_step") == null ? "-" : str(d.string("failed_step"))));
        }
        Output.out(Output.table(List.of("ID", "APP", "KIND", "STATE", "RELEASE", "COMMIT", "WHO", "STARTED (UTC)", "TOOK", "FAILED STEP"), rows));
        return ExitCodes.OK;
    }

    private static int show(String id, boolean json) {
        Map<String, Object> answer = CommandEnvironment.client().get("/api/v1/deployments/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        if (json) {
            Output.json(answer);
            return ExitCodes.OK;
        }
        Reply d = Reply.of(answer);
        StringBuilder sb = new StringBuilder();
        sb.append("deployment #").append(d.string("id")).append(" of ").append(d.string("app")).append(": ").append(d.string("kind"))
                .append(", ").append(d.string("state")).append('\n');
        sb.append("  by ").append(d.string("who")).append(", started ").append(Instant.ofEpochMilli(d.number("started_at_ms")))
                .append(", took ").append(DeployCommand.duration(d.number("duration_ms"))).append('\n');
        if (d.string("release") != null) sb.append("  release ").append(d.string("release")).append(d.string("previous_release") != null
                ? " (previous: " + d.string("previous_release") + ")" : "").append('\n');
        if (d.string("commit") != null) sb.append("  commit ").append(d.string("commit")).append(d.string("ref") != null ? " (" + d.string("ref") + ")" : "").append('\n');
        if (d.string("message") != null) sb.append("  ").append(d.string("message")).append('\n');
        for (Reply s : d.list("steps")) {
            sb.append("\n").append(s.string("seq")).append(". ").append(s.string("name")).append(" — ").append(s.string("state"))
                    .append(", ").append(DeployCommand.duration(s.number("duration_ms")));
            if (s.string("command") != null) sb.append("\n   $ ").append(s.string("command"));
            if (s.string("message") != null) sb.append("\n   ").append(s.string("message"));
            if (s.string("log") != null) {
                Path log = Path.of(String.valueOf(s.string("log")));
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
            for (Reply rel : Reply.of(r).list("releases")) {
                rows.add(List.of(rel.flag("live") ? "*" : "", str(rel.string("id")), str(rel.string("state")),
                        rel.string("commit") == null ? "-" : DeployCommand.shortCommit(rel.string("commit")), str(rel.string("ref")),
                        Instant.ofEpochMilli(rel.number("created_at_ms")).toString(),
                        rel.flag("on_disk") ? "yes" : "no", str(rel.string("deployment"))));
            }
            if (rows.isEmpty()) Output.out("no releases of " + app + " yet; `berth deploy " + app + "` makes the first");
            else Output.out(Output.table(List.of("LIVE", "RELEASE", "STATE", "COMMIT", "REF", "CREATED (UTC)", "ON DISK", "DEPLOYMENT"), rows));
            return ExitCodes.OK;
        }
    }
}
