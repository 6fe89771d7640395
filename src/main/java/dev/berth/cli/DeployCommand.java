package dev.berth.cli;

import dev.berth.config.AppSpec;
import dev.berth.config.BerthFile;
import dev.berth.config.BerthFileLoader;
import dev.berth.config.ConfigException;
import dev.berth.daemon.BerthHome;
import dev.berth.json.Json;
import dev.berth.text.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `berth deploy` and `berth rollback`: the daemon does the work; this starts it and follows it step by step. */
final class DeployCommand implements CliCommand {
    private final Spec spec = new Spec("deploy", "Ship a new release of apps: fetch, build, preflight, restart, switch, health gate.")
            .details("  berth deploy                 every app of ./berth.yml with a deploy section, in order",
                    "  berth deploy backend frontend  these apps, in this order; a failure stops the rest",
                    "  berth deploy --quick web      restart the live release and run the health gate again",
                    "  berth deploy web --dry-run    the plan: commits, steps, backups, what would be pruned",
                    "A failure before the switch leaves the live release untouched; after it, Berth switches",
                    "back and restarts the previous release. Exit 0 when every app's deploy succeeded.")
            .positional("APP", 0, -1, "Apps to deploy, or all (default: every app with a deploy section).")
            .option("-c, --config", "FILE", "The berth.yml to use (default ./berth.yml).")
            .option("--env", "PROFILE", "Apply the env_<PROFILE> section (e.g. production).")
            .option("--ref", "REF", "Branch, tag or commit to deploy (git sources).")
            .flag("--skip-tests", "Skip the test step.")
            .flag("--skip-build", "Skip the build step.")
            .flag("--no-backup", "Take no database backup before migrate.")
            .flag("--force", "Deploy even when that commit is already live.")
            .flag("--quick", "No new release: restart the live one, then the health gate.")
            .flag("--dry-run", "Print the plan and change nothing.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        Path config = CommandEnvironment.config(args.path("--config"));
        List<String> apps = appsToDeploy(config, args.positionals(), args.value("--env"));
        boolean json = args.flag("--json");
        for (String app : apps) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("app", app);
            body.put("config", config == null ? null : config.toString());
            body.put("profile", args.value("--env"));
            body.put("variables", CommandEnvironment.referencedVariables(config));
            body.put("ref", args.value("--ref"));
            for (String f : List.of("skip_tests", "skip_build", "no_backup", "force", "quick", "dry_run")) {
                body.put(f, args.flag("--" + f.replace('_', '-')));
            }
            body.put("who", who());
            Map<String, Object> res = CommandEnvironment.client().post("/api/v1/deploy", body);
            if (res.get("plan") != null) {
                if (json) Output.json(res.get("plan"));
                else Output.out(renderPlan(Reply.of(res).object("plan")));
                continue;
            }
            long id = Reply.of(res).number("id");
            String state = DeployProgress.follow(id, app, json);
            if (!state.equals("succeeded")) {
                if (apps.indexOf(app) < apps.size() - 1 && !json) {
                    Output.err("berth: stopped: not deploying " + String.join(", ", apps.subList(apps.indexOf(app) + 1, apps.size())));
                }
                return ExitCodes.FAILED;
            }
        }
        return ExitCodes.OK;
    }

    /** Named apps as given; none or `all`: the apps of the berth.yml that have a deploy section, in declared order. */
    static List<String> appsToDeploy(Path config, List<String> named, String profile) {
        if (!named.isEmpty() && !named.equals(List.of("all"))) return named;
        if (config == null) throw new CliException(ExitCodes.USAGE, "no berth.yml here; name the apps to deploy, or pass -c FILE");
        BerthFile file;
        try {
            file = new BerthFileLoader(CommandEnvironment.referencedVariables(config), BerthHome.fromEnvironment(System.getenv()).logs()).load(config, profile);
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.CONFIG, config + " has " + e.problems().size() + " problem(s)",
                    e.problems().stream().map(Object::toString).toList());
        }
        List<String> out = new ArrayList<>();
        for (AppSpec a : file.apps()) if (a.deploy() != null) out.add(a.name());
        if (out.isEmpty()) throw new CliException(ExitCodes.CONFIG, "no app in " + config + " has a deploy section");
        return out;
    }

    static String who() {
        String user = System.getenv().getOrDefault("SUDO_USER", System.getProperty("user.name", "unknown"));
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? user : user + "@" + host;
    }

    private static String renderPlan(Reply p) {
        StringBuilder sb = new StringBuilder();
        sb.append("plan for ").append(p.string("app")).append(" (nothing is changed)\n");
        sb.append("  source       ").append(p.string("source")).append('\n');
        sb.append("  live release ").append(p.string("live_release") == null ? "(none yet)" : p.string("live_release"));
        if (p.string("live_commit") != null) sb.append(" at ").append(shortCommit(p.string("live_commit")));
        sb.append('\n');
        if (p.string("commit") != null) {
            sb.append("  deploys      ").append(shortCommit(p.string("commit"))).append(" (").append(p.string("ref")).append(")\n");
            List<String> commits = p.strings("commits");
            if (!commits.isEmpty()) {
                sb.append("  commits\n");
                for (String c : commits) sb.append("    ").append(c).append('\n');
            }
        }
        if (p.string("note") != null) sb.append("  note         ").append(p.string("note")).append('\n');
        sb.append("  steps\n");
        for (Reply s : p.list("steps")) {
            sb.append("    ").append(pad(String.valueOf(s.string("step")), 9)).append(s.string("command"))
                    .append(s.string("skipped") != null ? "   (skipped: " + s.string("skipped") + ")" : "   (timeout " + s.string("timeout") + ")").append('\n');
        }
        for (String hook : p.strings("before_switch")) sb.append("    before_switch ").append(hook).append('\n');
        sb.append("    preflight ").append(p.string("preflight")).append('\n');
        sb.append("    restart  ").append(p.string("restart")).append('\n');
        sb.append("    switch   current -> the new release, once every instance runs it\n");
        for (String hook : p.strings("after_switch")) sb.append("    after_switch ").append(hook).append('\n');
        sb.append("    health   ").append(p.string("health_gate")).append('\n');
        sb.append("  backups      ").append(p.string("backups")).append('\n');
        List<String> prune = p.strings("prune");
        sb.append("  prune        ").append(prune.isEmpty() ? "nothing" : String.join(", ", prune));
        return sb.toString();
    }

    static String shortCommit(Object c) {
        String s = String.valueOf(c);
        return s.length() > 12 ? s.substring(0, 12) : s;
    }

    static String pad(String s, int n) {
        return s.length() >= n ? s + " " : s + " ".repeat(n - s.length());
    }

    /** `berth rollback [app] [release]`. */
    static final class Rollback implements CliCommand {
        private final Spec spec = new Spec("rollback", "Go back to a kept release (default: the previous good one).")
                .details("  berth rollback web                    the newest good release before the live one",
                        "  berth rollback web 20261122-094512    that release (see `berth releases web`)",
                        "RELEASE is an id `berth releases APP` lists; anything else (a path) is refused, exit 4.",
                        "The release's directory must still be on disk. The health gate runs as after a deploy;",
                        "when it fails, Berth goes back to the release that was live.")
                .positional("APP", 0, 1, "The app (default: the only app of ./berth.yml with a deploy section).")
                .positional("RELEASE", 0, 1, "The release id (as `berth releases` lists it).")
                .option("-c, --config", "FILE", "The berth.yml to use (default ./berth.yml).")
                .flag("--with-data", "Also restore the database backup taken before that deployment's migrations.")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Path config = CommandEnvironment.config(args.path("--config"));
            List<String> pos = args.positionals();
            String app;
            if (pos.isEmpty()) {
                List<String> apps = appsToDeploy(config, List.of(), null);
                if (apps.size() != 1) throw new CliException(ExitCodes.USAGE, "name the app to roll back: one of " + String.join(", ", apps));
                app = apps.get(0);
            } else {
                app = pos.get(0);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("app", app);
            body.put("release", pos.size() > 1 ? pos.get(1) : null);
            body.put("config", config == null ? null : config.toString());
            body.put("variables", CommandEnvironment.referencedVariables(config));
            body.put("with_data", args.flag("--with-data"));
            body.put("who", who());
            long id = Reply.of(CommandEnvironment.client().post("/api/v1/rollback", body)).number("id");
            return DeployProgress.follow(id, app, args.flag("--json")).equals("succeeded") ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    static String duration(Object ms) {
        return ms == null ? "-" : Units.duration(Duration.ofMillis(((Number) ms).longValue()));
    }

    static String json(Object o) {
        return Json.write(o);
    }
}
