package dev.berth.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A service's ports: as the app's port: and container.port. Berth publishes one port per app (instance i
 * on port + i, on every address), so the first published port is the app's, and every other one a note.
 */
final class ComposePorts {
    private static final Pattern NUMBER = Pattern.compile("\\d{1,5}");

    /** One entry of ports:; host null when it is not published, ip null when on every address. */
    private record Port(String ip, String host, String container, String protocol) { }

    private ComposePorts() { }

    /** {host port or null, container port or null}, in Berth's ${VAR} syntax. */
    static String[] ports(ComposeValue v, String field, List<String> notes) {
        if (!v.isList()) {
            notes.add(v.note(field, "expected a list, got " + v.shown() + "; not mapped"));
            return new String[2];
        }
        Port chosen = null;
        ComposeValue chosenItem = null;
        for (int i = 0; i < v.list().size(); i++) {
            ComposeValue item = v.list().get(i);
            Port p = parse(item, field + "[" + i + "]", notes);
            if (p == null) continue;
            if (!p.protocol.equals("tcp")) {
                notes.add(item.note(field + "[" + i + "]", item.shown() + " is " + p.protocol + "; not mapped (Berth publishes TCP)"));
            } else if (chosen == null || chosen.host == null && p.host != null) {
                if (chosen != null) notes.add(extra(chosenItem, field, chosen));
                chosen = p;
                chosenItem = item;
            } else {
                notes.add(extra(item, field, p));
            }
        }
        if (chosen == null) return new String[2];
        if (chosen.host == null) {
            notes.add(chosenItem.note(field, chosenItem.shown() + " is not published: it became container.port " + chosen.container
                    + " only (Compose published it on a random port); set port: to publish it"));
        } else if (chosen.ip != null && !chosen.ip.equals("0.0.0.0") && !chosen.ip.equals("::")) {
            notes.add(chosenItem.note(field, "Compose published " + chosenItem.shown() + " on " + chosen.ip + " only; Berth publishes port: "
                    + chosen.host + " on every address: keep it off the network with a firewall, or remove port: and add"
                    + " container.engine_args: [--publish=" + chosen.ip + ":" + chosen.host + ":" + chosen.container + "]"));
        }
        return new String[] {chosen.host, chosen.container};
    }

    private static String extra(ComposeValue item, String field, Port p) {
        return item.note(field, item.shown() + " is not mapped: Berth publishes one port per app (port:, container.port);"
                + (p.host == null ? "" : " add container.engine_args: [--publish=" + (p.ip == null ? "" : p.ip + ":") + p.host + ":" + p.container + "] to publish it too (one instance only)"));
    }

    private static Port parse(ComposeValue item, String field, List<String> notes) {
        String ip = null;
        String host = null;
        String container;
        String protocol = "tcp";
        if (item.isMap()) {
            container = text(item.get("target"), field, notes);
            host = text(item.get("published"), field, notes);
            ip = text(item.get("host_ip"), field, notes);
            String proto = text(item.get("protocol"), field, notes);
            if (proto != null) protocol = proto;
        } else if (item.text() != null) {
            String s = text(item, field, notes);
            int slash = s.lastIndexOf('/');
            if (slash > s.lastIndexOf('}')) {
                protocol = s.substring(slash + 1);
                s = s.substring(0, slash);
            }
            List<String> parts = ComposeValue.splitColons(s);
            if (parts.size() > 3) {
                notes.add(item.note(field, item.shown() + " is not understood (expected [IP:][HOST:]PORT); not mapped"));
                return null;
            }
            container = parts.get(parts.size() - 1);
            if (parts.size() >= 2) host = parts.get(parts.size() - 2);
            if (parts.size() == 3) ip = parts.get(0);
        } else {
            notes.add(item.note(field, "expected a port, got " + item.shown() + "; not mapped"));
            return null;
        }
        if (host != null && host.isEmpty()) host = null; // IP::PORT is a random host port: not one Berth can name
        if (ip != null) ip = ip.replaceAll("^\\[|]$", "");
        if (container == null) {
            notes.add(item.note(field, "has no target port; not mapped"));
            return null;
        }
        for (String port : host == null ? List.of(container) : List.of(host, container)) {
            String plain = port.replaceAll("\\$\\{[^}]*}", "");
            if (plain.contains("-")) {
                notes.add(item.note(field, item.shown() + " is a range of ports; not mapped (Berth publishes one port per app)"));
                return null;
            }
            if (!port.contains("${") && (!NUMBER.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
                notes.add(item.note(field, item.shown() + ": \"" + port + "\" is not a port (1..65535); not mapped"));
                return null;
            }
        }
        return new Port(ip, host, container, protocol.toLowerCase(Locale.ROOT));
    }

    private static String text(ComposeValue v, String field, List<String> notes) {
        if (v == null || v.text() == null) return null;
        ComposeInterpolation.Result r = ComposeInterpolation.translate(v.text().strip());
        for (String p : r.problems()) notes.add(v.note(field, p));
        return r.text();
    }
}
