package dev.berth.config;

import static dev.berth.config.Kind.*;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * admin: the dashboard's second listener. Off loopback it must have an allow-list and TLS:
 * passwords and session cookies never cross a network in clear, and only named addresses get
 * past the first byte.
 */
final class AdminSection extends FieldReader {
    static final int MAX_ALLOW = 1000;

    /** "host:port" or "[v6]:port", the host a literal (a name would be resolved at every start). */
    private static final Kind<String[]> LISTEN = new Kind<>("expected ADDRESS:PORT like 0.0.0.0:9443 or [::]:9443", s -> {
        String v = s.strip();
        int colon = v.lastIndexOf(':');
        if (colon <= 0) throw invalid("expected ADDRESS:PORT like 0.0.0.0:9443 or [::]:9443", s);
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (!ProxySection.ipLiteral(host)) throw invalid("expected ADDRESS:PORT with an IP address, like 0.0.0.0:9443", s);
        try {
            InetAddress.getByName(host);
            int port = asciiInteger(v.substring(colon + 1));
            if (port < 1 || port > 65535) throw new NumberFormatException();
        } catch (UnknownHostException | NumberFormatException e) {
            throw invalid("expected ADDRESS:PORT like 0.0.0.0:9443", s);
        }
        return new String[] {host, v.substring(colon + 1)};
    });

    AdminSection(FieldReader file) {
        super(file);
    }

    AdminSpec admin(Node node, ProxySpec proxy) {
        if (node == null) return AdminSpec.NONE;
        if (!(node instanceof MappingNode m)) {
            problems.at(node, "admin", "expected a mapping with listen:, allow: and tls:, got " + YamlSource.describe(node));
            return AdminSpec.NONE;
        }
        Function<String, String> lookup = variables::get;
        int before = problemCount();
        Map<String, NodeTuple> f = YamlSource.entries(m, "admin", problems);
        schema.checkKeys(f, "admin", "admin", problems);
        String[] listen = scalar(f, "listen", "admin", LISTEN, null, lookup);
        if (value(f, "listen") == null) problems.at(m, "admin.listen", "is required: the address and port, like 0.0.0.0:9443");
        List<String> allow = new ArrayList<>();
        Node an = value(f, "allow");
        if (an != null) {
            List<Node> items = an instanceof SequenceNode seq ? seq.getValue() : List.of(an);
            if (items.size() > MAX_ALLOW) problems.at(an, "admin.allow", "holds " + items.size() + " entries; at most " + MAX_ALLOW);
            for (int i = 0; i < items.size() && i < MAX_ALLOW; i++) {
                String a = text(items.get(i), "admin.allow" + (an instanceof SequenceNode ? "[" + i + "]" : ""), ProxySection.ADDRESS, lookup);
                if (a != null) allow.add(a);
            }
        }
        String site = null;
        Path cert = null;
        Path key = null;
        Node tls = value(f, "tls");
        if (tls instanceof ScalarNode s && s.getValue().strip().equals("none")) {
            // plain HTTP: loopback only, checked below
        } else if (tls instanceof MappingNode tm) {
            Map<String, NodeTuple> tf = YamlSource.entries(tm, "admin.tls", problems);
            for (var e : tf.entrySet()) { // one form or the other: the reference shows site:, so its key check cannot hold both
                if (!List.of("site", "cert", "key").contains(e.getKey())) {
                    problems.at(e.getValue().getKeyNode(), "admin.tls." + e.getKey(), "unknown key; expected site:, or cert: and key:");
                }
            }
            site = scalar(tf, "site", "admin.tls", NON_EMPTY, null, lookup);
            if (site != null) {
                String name = site.strip();
                site = name;
                if (proxy.sites().stream().noneMatch(x -> x.name().equals(name) && x.https())) {
                    problems.at(value(tf, "site"), "admin.tls.site", "no site \"" + name + "\" with TLS in sites:");
                }
            }
            cert = pem(tf, "cert", lookup);
            key = pem(tf, "key", lookup);
            if ((cert == null) != (key == null)) problems.at(tm, "admin.tls", "cert: and key: go together");
            if (site != null && cert != null) problems.at(tm, "admin.tls", "either site: or cert: and key:, not both");
            if (site == null && cert == null && problemCount() == before) problems.at(tm, "admin.tls", "expected site: NAME or cert: and key:");
        } else if (tls != null) {
            problems.at(tls, "admin.tls", "expected none, {site: NAME} or {cert: FILE, key: FILE}, got " + YamlSource.describe(tls));
        }
        if (listen == null || problemCount() > before) return AdminSpec.NONE;
        boolean loopback;
        try {
            loopback = InetAddress.getByName(listen[0]).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback && site == null && cert == null) {
            problems.at(tls == null ? m : tls, "admin.tls", "is required off 127.0.0.1 (" + listen[0] + "): passwords and session cookies must not cross a network"
                    + " in clear; give tls: {site: NAME} (a front door certificate) or {cert: FILE, key: FILE}");
        }
        if (!loopback && allow.isEmpty()) {
            problems.at(m, "admin.allow", "is required off 127.0.0.1 (" + listen[0] + "): the addresses or CIDRs that may reach the dashboard");
        }
        if (problemCount() > before) return AdminSpec.NONE;
        return new AdminSpec(listen[0], Integer.parseInt(listen[1]), List.copyOf(allow), site, cert, key, Problems.line(node));
    }

    private Path pem(Map<String, NodeTuple> f, String k, Function<String, String> lookup) {
        String s = scalar(f, k, "admin.tls", NON_EMPTY, null, lookup);
        if (s == null) return null;
        Path p = baseDir.resolve(s.strip()).normalize();
        if (!Files.isRegularFile(p)) problems.at(value(f, k), "admin.tls." + k, p + " not found (relative to the berth.yml directory)");
        return p;
    }
}
