package dev.berth.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `berth proxy apply|show|diff|status|stop`: the front door's nginx configuration and the upstreams behind it. */
final class ProxyCommand implements CliCommand {
    private final Spec spec = new Spec("proxy", "The front door: nginx generated from the sites: of a berth.yml.")
            .subcommand(new Apply()).subcommand(new Show()).subcommand(new Diff()).subcommand(new Status())
            .subcommand(new Stop());

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        throw new IllegalStateException("proxy needs a subcommand"); // Cli dispatches to the subcommands
    }

    private static Map<String, Object> configBody(Parsed args) {
        Path config = CommandEnvironment.config(args.path("--config"));
        if (config == null) throw new CliException(ExitCodes.USAGE, "no berth.yml here; pass -c FILE");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("config", config.toString());
        body.put("variables", CommandEnvironment.referencedVariables(config));
        return body;
    }

    static final class Apply implements CliCommand {
        private final Spec spec = new Spec("apply", "Serve the sites of a berth.yml now: render, nginx -t, swap, graceful reload.")
                .details("  `berth start` does this too, before it starts the apps. A configuration nginx refuses is",
                        "  never activated: the error names the berth.yml line, and the running one keeps serving.")
                .option("-c, --config", "FILE", "The berth.yml (default ./berth.yml).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Map<String, Object> answer = CommandEnvironment.client().post("/api/v1/proxy/apply", configBody(args));
            if (args.flag("--json")) Output.json(answer);
            else Output.out("ok     " + Reply.of(answer).string("message"));
            return ExitCodes.OK;
        }
    }

    static final class Show implements CliCommand {
        private final Spec spec = new Spec("show", "Print the nginx configuration that is live.")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Map<String, Object> answer = CommandEnvironment.client().get("/api/v1/proxy");
            if (args.flag("--json")) {
                Output.json(answer);
                return ExitCodes.OK;
            }
            String config = Reply.of(answer).string("config");
            if (config == null) {
                Output.err("no front door yet: no berth.yml with sites: has been applied (`berth start` or `berth proxy apply`)");
                return ExitCodes.FAILED;
            }
            Output.out(config.stripTrailing());
            return ExitCodes.OK;
        }
    }

    static final class Diff implements CliCommand {
        private final Spec spec = new Spec("diff", "What `berth proxy apply` would change in the live nginx configuration (exit 1 when something).")
                .option("-c, --config", "FILE", "The berth.yml (default ./berth.yml).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Map<String, Object> answer = CommandEnvironment.client().post("/api/v1/proxy/diff", configBody(args));
            String diff = Reply.of(answer).string("diff");
            if (args.flag("--json")) Output.json(answer);
            else if (diff.isEmpty()) Output.out("no change: the live configuration is what this berth.yml gives");
            else Output.out(diff.stripTrailing());
            return diff.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    static final class Status implements CliCommand {
        private final Spec spec = new Spec("status", "Each site's routes and the instances behind them, up or down.")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Map<String, Object> answer = CommandEnvironment.client().get("/api/v1/proxy/status");
            if (args.flag("--json")) {
                Output.json(answer);
                return ExitCodes.OK;
            }
            Reply r = Reply.of(answer);
            if (r.list("sites").isEmpty()) {
                Output.out("no sites: no berth.yml with sites: has been applied");
                return ExitCodes.OK;
            }
            Output.out("nginx " + (r.string("nginx_pid") == null ? "NOT RUNNING" : "pid " + r.string("nginx_pid")) + ", sites of " + r.string("source"));
            List<List<String>> rows = new ArrayList<>();
            boolean allUp = r.string("nginx_pid") != null;
            for (Reply site : r.list("sites")) {
                String tls = site.string("tls") + (site.string("certificate_expires") == null ? "" : " (until " + site.string("certificate_expires") + ")");
                for (Reply route : site.list("routes")) {
                    String target = route.string("app") != null ? "app " + route.string("app") : "static " + route.string("static");
                    List<String> ups = new ArrayList<>();
                    for (Reply u : route.list("upstreams")) {
                        ups.add(u.string("port") + (u.flag("up") ? " up" : " DOWN"));
                        allUp &= u.flag("up");
                    }
                    if (route.string("app") != null && ups.isEmpty()) {
                        ups.add("no instance");
                        allUp = false;
                    }
                    rows.add(List.of(site.string("site"), String.join(" ", site.strings("domains")), tls, route.string("path"), target,
                            String.join(", ", ups)));
                }
            }
            Output.out(Output.table(List.of("SITE", "DOMAINS", "TLS", "PATH", "TO", "UPSTREAMS"), rows));
            return allUp ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    static final class Stop implements CliCommand {
        private final Spec spec = new Spec("stop", "Stop serving the sites: nginx finishes what it serves (within proxy.drain) and exits.")
                .details("  In system mode Berth's files come out of the include directory and the system's nginx reloads.",
                        "  The apps behind the sites keep running on their private ports, unreachable from outside;",
                        "  no later daemon brings the sites back until `berth proxy apply`, or a start or reload from",
                        "  the berth.yml, serves them again.")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Map<String, Object> answer = CommandEnvironment.client().post("/api/v1/proxy/stop", Map.of());
            if (args.flag("--json")) Output.json(answer);
            else Output.out("ok     " + Reply.of(answer).string("message"));
            return ExitCodes.OK;
        }
    }
}
