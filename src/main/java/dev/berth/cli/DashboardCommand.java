package dev.berth.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * `berth dashboard`: the address to open, with a login link. The link carries a one-time ticket
 * (not the daemon's token) in the URL's fragment, which a browser never sends in a request; the
 * page trades it for a session cookie and drops it from the address bar. Over SSH it also prints
 * the tunnel command, since the daemon listens on 127.0.0.1.
 */
final class DashboardCommand implements CliCommand {
    private final Spec spec = new Spec("dashboard", "Print the dashboard's address with a one-time login link (and the SSH tunnel when remote).")
            .details("  The link works once, within 5 minutes; run this again for another. The daemon listens on",
                    "  127.0.0.1: from another machine, open the tunnel it prints first. Named users log in with",
                    "  their password instead (berth user add).")
            .json();

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        Map<String, Object> answer = CommandEnvironment.client().post("/api/v1/session/ticket", Map.of());
        Reply r = Reply.of(answer);
        String port = r.string("port");
        String url = "http://127.0.0.1:" + port + "/#token=" + r.string("ticket");
        String tunnel = tunnel(System.getenv("SSH_CONNECTION"), System.getenv("USER"), port);
        if (args.flag("--json")) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("url", url);
            out.put("expires_in_s", r.number("expires_in_s"));
            out.put("tunnel", tunnel);
            Output.json(out);
            return ExitCodes.OK;
        }
        if (tunnel != null) {
            Output.out("This machine is reached over SSH. On your own computer, open the tunnel first:");
            Output.out("  " + tunnel);
            Output.out("then open there:");
        } else {
            Output.out("Open:");
        }
        Output.out("  " + url);
        Output.out("(a one-time login link, valid for " + r.number("expires_in_s") / 60 + " minutes)");
        return ExitCodes.OK;
    }

    /** `ssh -N -L PORT:127.0.0.1:PORT USER@HOST` from SSH_CONNECTION ("client port server port"), or null when not over SSH. */
    static String tunnel(String sshConnection, String user, String port) {
        if (sshConnection == null || sshConnection.isBlank()) return null;
        String[] parts = sshConnection.trim().split("\\s+");
        if (parts.length < 4) return null;
        String host = parts[2].contains(":") ? "[" + parts[2] + "]" : parts[2];
        String sshPort = parts[3].equals("22") ? "" : " -p " + parts[3];
        return "ssh -N -L " + port + ":127.0.0.1:" + port + sshPort + " " + (user == null || user.isBlank() ? "" : user + "@") + host;
    }
}
