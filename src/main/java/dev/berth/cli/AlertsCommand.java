package dev.berth.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `berth alerts`: the alert history; `berth alert test CHANNEL`: a test message. */
final class AlertsCommand implements CliCommand {
    private final Spec spec = new Spec("alerts", "The alert history, newest first: what, when, and where it was sent.")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        Map<String, Object> answer = CommandEnvironment.client().get("/api/v1/alerts");
        List<Reply> list = Reply.of(answer).list("alerts");
        if (args.flag("--json")) {
            Output.json(answer.get("alerts"));
            return ExitCodes.OK;
        }
        if (list.isEmpty()) {
            Output.out("no alerts yet");
            return ExitCodes.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Reply a : list) {
            String delivery = a.string("delivery") + (a.string("error") == null ? "" : ": " + a.string("error"));
            rows.add(List.of(String.valueOf(a.string("at")), String.valueOf(a.string("state")), String.valueOf(a.string("subject")),
                    String.valueOf(a.string("message")), delivery));
        }
        Output.out(Output.table(List.of("AT (UTC)", "STATE", "SUBJECT", "MESSAGE", "DELIVERY"), rows));
        return ExitCodes.OK;
    }

    /** `berth alert test CHANNEL`. */
    static final class Alert implements CliCommand {
        private final Spec spec = new Spec("alert", "Alert channels: `berth alert test CHANNEL` sends a test message.")
                .positional("test", 1, 1, "The word test.")
                .positional("CHANNEL", 1, 1, "A channel of alerts.channels.")
                .option("-c, --config", "FILE", "The berth.yml (default ./berth.yml).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            if (!args.positional(0).equals("test")) throw new CliException(ExitCodes.USAGE, "alert: the only subcommand is test: `berth alert test CHANNEL`");
            Path config = CommandEnvironment.config(args.path("--config"));
            if (config == null) throw new CliException(ExitCodes.USAGE, "no berth.yml here; pass -c FILE");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("config", config.toString());
            body.put("variables", CommandEnvironment.referencedVariables(config));
            body.put("channel", args.positional(1));
            Map<String, Object> answer = CommandEnvironment.client().post("/api/v1/alerts/test", body);
            Reply r = Reply.of(answer);
            if (args.flag("--json")) Output.json(answer);
            else if (r.flag("ok")) Output.out("ok     test message sent to " + r.string("channel"));
            else Output.err("FAILED test message to " + r.string("channel") + ": " + r.string("error"));
            return r.flag("ok") ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** `berth silence TARGET DURATION`, `berth silence --list`, `berth silence --end TARGET|all`. */
    static final class Silence implements CliCommand {
        private final Spec spec = new Spec("silence", "Hold back alerts of a check or an app for a while (they are still recorded).")
                .details("  berth silence web 2h               app web, its app:web check and its events",
                        "  berth silence api 30m --reason db-migration",
                        "  berth silence backup:maindb 1d     a backup's failures and its freshness check",
                        "  berth silence all 1h               everything",
                        "  berth silence --list               the silences in force",
                        "  berth silence --end web            end it now (--end all: every silence)")
                .positional("TARGET", 0, 1, "A check, an app, backup:NAME, or all.")
                .positional("DURATION", 0, 1, "How long, like 30m, 2h, 1d.")
                .option("--reason", "TEXT", "Why (shown in `berth alerts` and `--list`).")
                .flag("--list", "The silences in force.")
                .option("--end", "TARGET", "End the silences of TARGET now (all: every one).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            DaemonClient client = CommandEnvironment.client();
            if (args.value("--end") != null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("target", args.value("--end").equals("all") ? null : args.value("--end"));
                Map<String, Object> r = client.post("/api/v1/silences/end", body);
                if (args.flag("--json")) Output.json(r);
                else Output.out("ended " + Reply.of(r).number("ended") + " silence(s)");
                return ExitCodes.OK;
            }
            if (args.flag("--list") || args.positionals().isEmpty()) {
                Map<String, Object> answer = client.get("/api/v1/silences");
                List<Reply> list = Reply.of(answer).list("silences");
                if (args.flag("--json")) {
                    Output.json(answer.get("silences"));
                } else if (list.isEmpty()) {
                    Output.out("no silences in force");
                } else {
                    List<List<String>> rows = new ArrayList<>();
                    for (Reply s : list) {
                        rows.add(List.of(String.valueOf(s.string("target")), String.valueOf(s.string("until")), s.string("reason") == null ? "-" : s.string("reason")));
                    }
                    Output.out(Output.table(List.of("TARGET", "UNTIL (UTC)", "REASON"), rows));
                }
                return ExitCodes.OK;
            }
            if (args.positionals().size() < 2) throw new CliException(ExitCodes.USAGE, "silence: how long? like `berth silence " + args.positional(0) + " 2h`");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("target", args.positional(0));
            body.put("duration", args.positional(1));
            body.put("reason", args.value("--reason"));
            Map<String, Object> r = client.post("/api/v1/silences", body);
            if (args.flag("--json")) Output.json(r);
            else Output.out("silenced " + Reply.of(r).string("target") + " until " + Reply.of(r).string("until"));
            return ExitCodes.OK;
        }
    }
}
