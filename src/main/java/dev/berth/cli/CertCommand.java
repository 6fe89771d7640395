package dev.berth.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `berth cert list|show|renew`: the certificates the front door serves. */
final class CertCommand implements CliCommand {
    private final Spec spec = new Spec("cert", "TLS certificates of the sites: tls: acme ones Berth gets and renews, and your own files.")
            .subcommand(new ListCerts()).subcommand(new Show()).subcommand(new Renew());

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        throw new IllegalStateException("cert needs a subcommand"); // Cli dispatches to the subcommands
    }

    static final class ListCerts implements CliCommand {
        private final Spec spec = new Spec("list", "Each TLS site's certificate: until when, and the last renewal failure (exit 1 when one has none or fails).")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Map<String, Object> answer = CommandEnvironment.client().get("/api/v1/certificates");
            if (args.flag("--json")) {
                Output.json(answer.get("certificates"));
                return ExitCodes.OK;
            }
            List<Reply> certs = Reply.of(answer).list("certificates");
            if (certs.isEmpty()) {
                Output.out("no TLS sites");
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            boolean ok = true;
            for (Reply c : certs) {
                String until = c.string("not_after") == null ? "NONE YET" : c.string("not_after") + " (" + c.string("days_left") + " days)";
                ok &= c.string("not_after") != null && c.string("last_error") == null;
                rows.add(List.of(c.string("site"), String.join(" ", c.strings("domains")), c.string("tls"), until,
                        c.string("last_error") == null ? "" : c.string("last_error") + "; next try " + c.string("next_attempt")));
            }
            Output.out(Output.table(List.of("SITE", "DOMAINS", "TLS", "VALID UNTIL", "LAST FAILURE"), rows));
            return ok ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    static final class Show implements CliCommand {
        private final Spec spec = new Spec("show", "One site's certificate (by site name or any of its domains).")
                .positional("DOMAIN", 1, 1, "A site or one of its domains.")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Map<String, Object> answer = CommandEnvironment.client().get("/api/v1/certificates/" + URLEncoder.encode(args.positional(0), StandardCharsets.UTF_8));
            if (args.flag("--json")) {
                Output.json(answer);
                return ExitCodes.OK;
            }
            Reply c = Reply.of(answer);
            Output.out("site         " + c.string("site") + "\ndomains      " + String.join(" ", c.strings("domains")) + "\ntls          " + c.string("tls")
                    + "\nsubject      " + (c.string("subject") == null ? "-" : c.string("subject"))
                    + "\nvalid until  " + (c.string("not_after") == null ? "none yet" : c.string("not_after") + " (" + c.string("days_left") + " days left)")
                    + (c.string("last_error") == null ? "" : "\nlast failure " + c.string("last_error") + "\nnext try     " + c.string("next_attempt")));
            return ExitCodes.OK;
        }
    }

    static final class Renew implements CliCommand {
        private final Spec spec = new Spec("renew", "Order a site's certificate now (tls: acme), validate it through nginx and serve it.")
                .details("  berth cert renew shop.example.com            a new certificate, served once issued",
                        "  berth cert renew shop.example.com --staging  rehearse against the staging directory first (not served)",
                        "  The daemon renews by itself 30 days before expiry; a failure alerts and waits (1 h, doubling to 1 d).")
                .positional("DOMAIN", 1, 1, "A site or one of its domains.")
                .flag("--staging", "Use proxy.acme.staging: proves validation works without touching Let's Encrypt's rate limits.")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", args.positional(0));
            body.put("staging", args.flag("--staging"));
            if (!args.flag("--json")) Output.err("ordering a certificate for " + args.positional(0) + (args.flag("--staging") ? " (staging)" : "") + " ...");
            Map<String, Object> answer = CommandEnvironment.client().post("/api/v1/certificates/renew", body);
            if (args.flag("--json")) Output.json(answer);
            else Output.out("ok     " + Reply.of(answer).string("message"));
            return ExitCodes.OK;
        }
    }
}
