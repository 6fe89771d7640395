package dev.berth.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** `berth events [TARGET]`: what happened to an app or a backup, or to everything, as the daemon recorded it. */
final class EventsCommand implements CliCommand {
    private final Spec spec = new Spec("events", "Recent events of an app, of backup:NAME, or of everything.")
            .details("Starts, exits, restarts, adoptions, config problems, backups' alerts, and what the daemon found",
                    "at its start when the previous one died in the middle of an operation (kind `interrupted`:",
                    "a restart, reload, stop, deploy, restore, drill or backup).")
            .positional("TARGET", 0, 1, "An app, or backup:NAME; default everything.")
            .option("-n, --lines", "N", "How many, newest last.", "50")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        String n = args.value("--lines");
        if (!n.matches("\\d+")) throw new CliException(ExitCodes.USAGE, "events: --lines expects a number, got \"" + n + "\"");
        String path = "/api/v1/events" + (args.positionals().isEmpty() ? ""
                : "/" + URLEncoder.encode(args.positionals().get(0), StandardCharsets.UTF_8)) + "?limit=" + n;
        Map<String, Object> answer = CommandEnvironment.client().get(path);
        List<EventReply> list = Reply.of(answer).list("events").stream().map(EventReply::of).toList();
        if (args.flag("--json")) {
            Output.json(answer.get("events"));
            return ExitCodes.OK;
        }
        if (list.isEmpty()) {
            Output.out("no events" + (args.positionals().isEmpty() ? "" : " of " + args.positionals().get(0)));
            return ExitCodes.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (EventReply e : list) {
            rows.add(List.of(Instant.ofEpochMilli(e.atMillis()).toString(), String.valueOf(e.target()),
                    e.instance() == null ? "-" : String.valueOf(e.instance()), String.valueOf(e.kind()), String.valueOf(e.message())));
        }
        Output.out(Output.table(List.of("AT (UTC)", "TARGET", "INSTANCE", "KIND", "MESSAGE"), rows));
        return ExitCodes.OK;
    }
}
